package dev.mcpauth.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The active signing key and the retired ones. A retired key signs nothing: it verifies only tokens
 * issued by its {@code retiredAt} (configuration, so that a restart does not move it), and stays in
 * the JWKS document until the last of them has expired: {@code retiredAt} plus the access token
 * lifetime. Immutable and thread-safe.
 */
public final class SigningKeys {
  private final SigningKey active;
  private final Map<SigningKey, Instant> retired;
  private final Duration tokenLifetime;

  public SigningKeys(SigningKey active, Map<SigningKey, Instant> retired, Duration tokenLifetime) {
    this.active = Objects.requireNonNull(active, "active");
    this.retired = Map.copyOf(retired);
    this.tokenLifetime = Objects.requireNonNull(tokenLifetime, "tokenLifetime");
    for (SigningKey key : retired.keySet()) {
      if (key.keyId().equals(active.keyId())) {
        throw new IllegalArgumentException("a retired signing key has the active key's id " + key.keyId());
      }
    }
  }

  public SigningKey active() {
    return active;
  }

  /**
   * A key that may verify tokens, and the instant it stopped signing ({@code null} for the active
   * key): a token it verifies must have been issued by then.
   */
  record VerificationKey(SigningKey key, Instant retiredAt) {}

  /** The key with this id, if it may still verify tokens at {@code now}. */
  Optional<VerificationKey> verificationKey(String keyId, Instant now) {
    if (active.keyId().equals(keyId)) {
      return Optional.of(new VerificationKey(active, null));
    }
    return retired.entrySet().stream()
        .filter(entry -> entry.getKey().keyId().equals(keyId) && stillPublished(entry.getValue(), now))
        .map(entry -> new VerificationKey(entry.getKey(), entry.getValue()))
        .findFirst();
  }

  /** The public keys that may verify tokens at {@code now}, as a JWKS document (RFC 7517 §5). */
  public String jwksJson(Instant now) {
    List<JWK> keys = new ArrayList<>();
    keys.add(active.publicJwk());
    retired.forEach(
        (key, retiredAt) -> {
          if (stillPublished(retiredAt, now)) {
            keys.add(key.publicJwk());
          }
        });
    return new JWKSet(keys).toString(true);
  }

  private boolean stillPublished(Instant retiredAt, Instant now) {
    return now.isBefore(retiredAt.plus(tokenLifetime));
  }
}
