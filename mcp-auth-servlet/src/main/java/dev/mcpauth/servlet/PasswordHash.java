package dev.mcpauth.servlet;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted, slow password hash: PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) from the JDK, with a random
 * 16-byte salt per password and a 32-byte result, written in a self-describing, PHC-like format:
 *
 * <pre>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt, base64&gt;$&lt;hash, base64&gt;</pre>
 *
 * <p>e.g. {@code pbkdf2-sha256$600000$q1Ib0Q3ldVwzKs3ON4Sd7w$Gz2K…}; base64 is the standard alphabet
 * (RFC 4648 §4), padding optional. New hashes use {@link #DEFAULT_ITERATIONS}, the OWASP Password
 * Storage Cheat Sheet's figure for PBKDF2-HMAC-SHA256 (measured on a 2-core VM: about 135 ms per
 * check when idle, 160-210 ms under load); parsed hashes keep their own count, from {@link #MIN_ITERATIONS} to
 * {@link #MAX_ITERATIONS}. Checks compare in constant time. Immutable and thread-safe; {@link
 * #toString()} does not show the hash, {@link #encoded()} does.
 */
public final class PasswordHash {
  /** The prefix that marks an encoded hash. */
  public static final String PREFIX = "pbkdf2-sha256$";
  /** OWASP's current recommendation for PBKDF2-HMAC-SHA256. */
  public static final int DEFAULT_ITERATIONS = 600_000;
  /** Fewer makes offline guessing cheap: refused. */
  public static final int MIN_ITERATIONS = 100_000;
  /** More makes every login (and every wrong password an attacker sends) a CPU hog: refused. */
  public static final int MAX_ITERATIONS = 10_000_000;

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int iterations;
  private final byte[] salt;
  private final byte[] hash;

  private PasswordHash(int iterations, byte[] salt, byte[] hash) {
    this.iterations = iterations;
    this.salt = salt;
    this.hash = hash;
  }

  /** Hashes {@code password} with a new random salt and {@link #DEFAULT_ITERATIONS}. */
  public static PasswordHash of(char[] password) {
    return of(password, DEFAULT_ITERATIONS, RANDOM);
  }

  static PasswordHash of(char[] password, int iterations, SecureRandom random) {
    Objects.requireNonNull(password, "password");
    checkIterations(iterations);
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return new PasswordHash(iterations, salt, derive(password, salt, iterations));
  }

  /**
   * A hash that no password matches, costing what a check of a real one costs: what an unknown user
   * name is checked against, so that timing does not tell which names exist.
   */
  static PasswordHash decoy(int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    byte[] hash = new byte[HASH_BYTES];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(hash);
    return new PasswordHash(iterations, salt, hash);
  }

  /** Whether {@code text} is meant as an encoded hash (it starts with {@link #PREFIX}), well formed or not. */
  public static boolean isEncoded(String text) {
    return text != null && text.startsWith(PREFIX);
  }

  /**
   * Reads an encoded hash.
   *
   * @throws IllegalArgumentException saying what is wrong with it (never repeating it)
   */
  public static PasswordHash parse(String encoded) {
    if (!isEncoded(encoded)) {
      throw new IllegalArgumentException("a password hash starts with " + PREFIX);
    }
    String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("a password hash is " + PREFIX + "<iterations>$<salt base64>$<hash base64>");
    }
    int iterations;
    try {
      iterations = Integer.parseInt(parts[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a password hash's iteration count is a whole number");
    }
    checkIterations(iterations);
    byte[] salt = base64(parts[1], "salt");
    byte[] hash = base64(parts[2], "hash");
    if (salt.length < SALT_BYTES) {
      throw new IllegalArgumentException("a password hash's salt has at least " + SALT_BYTES + " bytes");
    }
    if (hash.length != HASH_BYTES) {
      throw new IllegalArgumentException("a PBKDF2-HMAC-SHA256 password hash has " + HASH_BYTES + " bytes");
    }
    return new PasswordHash(iterations, salt, hash);
  }

  /** Whether {@code password} is the one hashed; in constant time for a given iteration count. */
  public boolean matches(char[] password) {
    return MessageDigest.isEqual(hash, derive(password == null ? new char[0] : password, salt, iterations));
  }

  /** The iteration count this hash was made with. */
  public int iterations() {
    return iterations;
  }

  /** The self-describing form, {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, to store in configuration. */
  public String encoded() {
    Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
    return PREFIX + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
  }

  /** Names the algorithm and iteration count only. */
  @Override
  public String toString() {
    return "PasswordHash[pbkdf2-sha256, " + iterations + " iterations]";
  }

  private static void checkIterations(int iterations) {
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("a password hash's iteration count is from " + MIN_ITERATIONS + " to "
          + MAX_ITERATIONS + " (new hashes use " + DEFAULT_ITERATIONS + ")");
    }
  }

  private static byte[] base64(String text, String what) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a password hash's " + what + " is not base64");
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17 runtime", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** The characters of a string, for the APIs that take a password as {@code char[]}. */
  static char[] chars(String text) {
    return text == null ? new char[0] : text.toCharArray();
  }
}
