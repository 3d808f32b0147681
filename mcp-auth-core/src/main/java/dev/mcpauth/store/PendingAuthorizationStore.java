package dev.mcpauth.store;

import dev.mcpauth.authorization.PendingAuthorization;
import java.util.Optional;

/**
 * Keeps authorization requests while the user logs in and consents, keyed by the hash of their
 * handle. Implementations must be thread-safe and must not return an entry whose {@link
 * PendingAuthorization#expiresAt()} has passed.
 */
public interface PendingAuthorizationStore {
  /** Stores the request until its {@code expiresAt}. */
  void save(PendingAuthorization pending);

  /** The request, still pending. */
  Optional<PendingAuthorization> find(TokenHash handleHash);

  /**
   * Removes and returns the request, atomically: of any number of concurrent calls for one handle,
   * at most one gets it.
   */
  Optional<PendingAuthorization> consume(TokenHash handleHash);
}
