package dev.mcpauth.token;

import dev.mcpauth.store.TokenHash;
import java.time.Instant;
import java.util.Objects;

/**
 * A one-time credential as stored: its hash and what it belongs to, never its value. Immutable and
 * thread-safe.
 *
 * @param hash the hash of the code or refresh token
 * @param kind what it is
 * @param grantId the grant it was issued from
 * @param clientId the client it was issued to
 * @param issuedAt when it was issued
 * @param expiresAt when it lapses
 */
public record StoredToken(
    TokenHash hash, TokenKind kind, String grantId, String clientId, Instant issuedAt, Instant expiresAt) {

  public StoredToken {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(grantId, "grantId");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
