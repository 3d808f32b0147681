package dev.mcpauth.resource;

import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.BoundedCache;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.token.VerifiedToken;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BiFunction;

/**
 * The verification cache both resource-server verifiers share: a token that passed is remembered by
 * its SHA-256 (never its value) until a deadline its verifier chose, so a repeated token costs a
 * hash and a map lookup. Bounded; thread-safe.
 */
final class TrustedTokens {
  /** A verified token and how long its verification may be reused. */
  record Trusted(VerifiedToken token, Instant until) {}

  private final BoundedCache<TokenHash, Trusted> cache;
  private final Clock clock;

  TrustedTokens(int size, Clock clock) {
    this.cache = new BoundedCache<>(size);
    this.clock = clock;
  }

  /**
   * The cached verification of {@code token}, or {@code check}'s (token, now) answer, remembered.
   *
   * @throws OAuthException {@code invalid_token} for an empty or oversized token, or whatever {@code check} throws
   */
  VerifiedToken verify(String token, BiFunction<String, Instant, Trusted> check) {
    if (token == null || token.isEmpty() || token.length() > ResourceServer.MAX_TOKEN_LENGTH) {
      throw OAuthException.invalidToken("The access token is malformed");
    }
    TokenHash key = TokenHash.of(token);
    Instant now = clock.instant();
    Trusted cached = cache.get(key);
    if (cached != null) {
      if (now.isBefore(cached.until())) {
        return cached.token();
      }
      cache.remove(key);
    }
    Trusted checked = check.apply(token, now);
    cache.put(key, checked);
    return checked.token();
  }
}
