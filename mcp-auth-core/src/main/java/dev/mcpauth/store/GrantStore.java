package dev.mcpauth.store;

import dev.mcpauth.token.Grant;
import java.util.Optional;

/**
 * Keeps grants. A grant is written once, when the user approves, and never updated; revoking it
 * removes it, and with it every code, access token and refresh token issued from it, since each of
 * those is checked against its grant when used. This is revoke-by-grant in one write.
 *
 * <p>Implementations must be thread-safe and must not return a grant whose {@link Grant#expiresAt()}
 * has passed.
 */
public interface GrantStore {
  void save(Grant grant);

  Optional<Grant> find(String grantId);

  /** Removes the grant; after this returns, {@link #find} never returns it again. Idempotent. */
  void revoke(String grantId);
}
