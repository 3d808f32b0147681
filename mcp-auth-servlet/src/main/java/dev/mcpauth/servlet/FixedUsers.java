package dev.mcpauth.servlet;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@link UserAuthenticator#ofUsers}: user names to salted PBKDF2 hashes. Immutable and thread-safe. */
final class FixedUsers implements UserAuthenticator {
  private final Map<String, PasswordHash> hashes = new HashMap<>();
  private final PasswordHash decoy;

  FixedUsers(Map<String, String> passwords) {
    passwords.forEach((name, value) -> {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("a user name is empty");
      }
      if (value == null || value.isEmpty()) {
        throw new IllegalArgumentException("user " + name + ": the password is empty");
      }
      try {
        hashes.put(name, PasswordHash.isEncoded(value) ? PasswordHash.parse(value)
            : PasswordHash.of(value.toCharArray()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("user " + name + ": " + e.getMessage());
      }
    });
    int iterations = hashes.values().stream().mapToInt(PasswordHash::iterations).max()
        .orElse(PasswordHash.DEFAULT_ITERATIONS);
    decoy = PasswordHash.decoy(iterations);
  }

  @Override
  public Optional<String> authenticate(String username, String password) {
    PasswordHash expected = username == null ? decoy : hashes.getOrDefault(username, decoy);
    boolean matches = expected.matches(PasswordHash.chars(password));
    return matches && expected != decoy ? Optional.of(username) : Optional.empty();
  }

  /** What is kept: each user's hash. For tests. */
  Map<String, PasswordHash> hashes() {
    return Collections.unmodifiableMap(hashes);
  }

  @Override
  public String toString() {
    return "UserAuthenticator.ofUsers" + hashes.keySet();
  }
}
