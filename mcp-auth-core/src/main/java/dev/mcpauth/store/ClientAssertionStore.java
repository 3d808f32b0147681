package dev.mcpauth.store;

import java.time.Instant;

/**
 * Remembers the client assertions (RFC 7523 §3: each JWT's {@code jti}) that were accepted, until
 * they expire, so that each is accepted once: a replayed assertion, even at another replica, is
 * refused. Implementations must be thread-safe and, where replicas share the store, atomic across
 * them.
 */
public interface ClientAssertionStore {
  /**
   * Records that an assertion was used.
   *
   * @param assertionId a hash of the client id and the assertion's {@code jti}
   * @param expiresAt the assertion's expiry: it need not be remembered after that
   * @return {@code true} the first time; {@code false} if the same id was recorded before and has not
   *     expired, also when two callers record it at the same instant (exactly one gets {@code true})
   */
  boolean markUsed(TokenHash assertionId, Instant expiresAt);
}
