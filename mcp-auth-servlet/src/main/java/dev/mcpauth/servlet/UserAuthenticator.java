package dev.mcpauth.servlet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a user's name and password on the default login page and names the subject the tokens
 * will carry. Implementations must be thread-safe and should take the same time whether or not the
 * user exists.
 */
@FunctionalInterface
public interface UserAuthenticator {
  /** The authenticated user's subject, or empty if the credentials are wrong. */
  Optional<String> authenticate(String username, String password);

  /**
   * Fixed users, e.g. from configuration: name to password. Passwords are kept as SHA-256 hashes and
   * compared in constant time; the subject is the user name.
   */
  static UserAuthenticator ofUsers(Map<String, String> passwords) {
    Map<String, byte[]> hashes = new LinkedHashMap<>();
    passwords.forEach((name, password) -> hashes.put(name, sha256(password)));
    byte[] decoy = sha256("decoy");
    return (username, password) -> {
      byte[] expected = hashes.getOrDefault(username, decoy);
      boolean matches = MessageDigest.isEqual(expected, sha256(password == null ? "" : password));
      return matches && hashes.containsKey(username) ? Optional.of(username) : Optional.empty();
    };
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
