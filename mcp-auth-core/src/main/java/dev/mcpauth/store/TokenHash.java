package dev.mcpauth.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * The SHA-256 hash of a secret value (a code, a token, a client secret, a pending authorization's
 * handle), base64url-encoded without padding. Stores see only these, so a store, its backups and its
 * logs cannot leak a usable credential.
 *
 * <p>The secrets hashed here are 256-bit random values, so a fast unsalted hash is enough: there is
 * nothing to guess. Immutable and thread-safe.
 *
 * @param value the 43-character base64url encoding of the digest
 */
public record TokenHash(String value) {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final MessageDigest SHA256 = sha256Instance(); // never used itself, only cloned

  public TokenHash {
    Objects.requireNonNull(value, "value");
    if (value.length() != 43) {
      throw new IllegalArgumentException("not a base64url SHA-256 digest");
    }
  }

  /** Hashes a raw secret. */
  public static TokenHash of(String secret) {
    Objects.requireNonNull(secret, "secret");
    return new TokenHash(BASE64URL.encodeToString(sha256(secret)));
  }

  /** Compares in time independent of where the values first differ. */
  public boolean matches(TokenHash other) {
    return other != null
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.US_ASCII), other.value.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] sha256(String secret) {
    return newSha256().digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of one digest found once: cloning skips the provider lookup, which runs per request here. */
  private static MessageDigest newSha256() {
    try {
      return (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      return sha256Instance();
    }
  }

  private static MessageDigest sha256Instance() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
