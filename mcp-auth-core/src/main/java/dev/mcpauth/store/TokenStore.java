package dev.mcpauth.store;

import dev.mcpauth.token.StoredToken;
import java.util.Optional;

/**
 * Keeps one-time credentials (authorization codes and refresh tokens) by hash. Implementations must
 * be thread-safe, must not return a token whose {@link StoredToken#expiresAt()} has passed, and must
 * keep a consumed token until then, so that a replay is recognised as one.
 */
public interface TokenStore {
  /** Stores an unconsumed token until its {@code expiresAt}. */
  void save(StoredToken token);

  /** The token if it is stored, unexpired and not yet consumed. */
  Optional<StoredToken> find(TokenHash hash);

  /**
   * Marks the token consumed, atomically: of any number of calls for one token, across threads and
   * across servers sharing the store, exactly one sees {@link Redemption#firstUse()} {@code true}.
   * Later calls still return the token, with {@code firstUse} {@code false}, until it expires.
   */
  Optional<Redemption> consume(TokenHash hash);
}
