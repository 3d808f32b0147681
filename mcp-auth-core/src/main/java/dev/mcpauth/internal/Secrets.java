package dev.mcpauth.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/** Makes the random values this library hands out: codes, tokens, secrets, ids. Thread-safe. */
public final class Secrets {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final SecureRandom random;

  public Secrets(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** 256 random bits, base64url: for anything that works as a credential. */
  public String newSecret() {
    return randomString(32);
  }

  /** 128 random bits, base64url: for identifiers that need to be unguessable but not secret. */
  public String newId() {
    return randomString(16);
  }

  private String randomString(int bytes) {
    byte[] buffer = new byte[bytes];
    random.nextBytes(buffer);
    return BASE64URL.encodeToString(buffer);
  }
}
