package dev.mcpauth.servlet;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@link UserAuthenticator#ofUsers}: user names to salted PBKDF2 hashes. Plain passwords are hashed on a
 * thread of their own, begun here: a hash costs about 135 ms warm and about 450 ms at start-up, before
 * the JIT compiles it, which the server's start need not wait for. A login waits for its user's hash.
 * Immutable and thread-safe.
 */
final class FixedUsers implements UserAuthenticator {
  private final Map<String, CompletableFuture<PasswordHash>> hashes = new HashMap<>();
  private final PasswordHash decoy;

  FixedUsers(Map<String, String> passwords) {
    ExecutorService hashing = null;
    int iterations = 0; // the highest count, for the decoy
    try {
      for (Map.Entry<String, String> user : passwords.entrySet()) {
        String name = user.getKey();
        String value = user.getValue();
        if (name == null || name.isEmpty()) {
          throw new IllegalArgumentException("a user name is empty");
        }
        if (value == null || value.isEmpty()) {
          throw new IllegalArgumentException("user " + name + ": the password is empty");
        }
        if (PasswordHash.isEncoded(value)) {
          try {
            PasswordHash hash = PasswordHash.parse(value);
            hashes.put(name, CompletableFuture.completedFuture(hash));
            iterations = Math.max(iterations, hash.iterations());
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("user " + name + ": " + e.getMessage());
          }
        } else {
          if (hashing == null) {
            hashing = Executors.newSingleThreadExecutor(runnable -> {
              Thread thread = new Thread(runnable, "mcp-auth-password-hashing");
              thread.setDaemon(true);
              return thread;
            });
          }
          char[] password = value.toCharArray();
          hashes.put(name, CompletableFuture.supplyAsync(() -> {
            try {
              return PasswordHash.of(password);
            } finally {
              java.util.Arrays.fill(password, '\0'); // the copy made here; the caller's map is the caller's
            }
          }, hashing));
          iterations = Math.max(iterations, PasswordHash.DEFAULT_ITERATIONS);
        }
      }
    } finally {
      if (hashing != null) {
        hashing.shutdown(); // runs what was submitted, then its thread ends
      }
    }
    decoy = PasswordHash.decoy(iterations > 0 ? iterations : PasswordHash.DEFAULT_ITERATIONS);
  }

  @Override
  public boolean knows(String subject) {
    return hashes.containsKey(subject); // the subject is the user name
  }

  @Override
  public Optional<String> authenticate(String username, String password) {
    CompletableFuture<PasswordHash> known = username == null ? null : hashes.get(username);
    PasswordHash expected = known == null ? decoy : known.join();
    boolean matches = expected.matches(PasswordHash.chars(password));
    return matches && expected != decoy ? Optional.of(username) : Optional.empty();
  }

  /** What is kept: each user's hash, once made. For tests. */
  Map<String, PasswordHash> hashes() {
    Map<String, PasswordHash> done = new HashMap<>();
    hashes.forEach((name, hash) -> done.put(name, hash.join()));
    return Collections.unmodifiableMap(done);
  }

  @Override
  public String toString() {
    return "UserAuthenticator.ofUsers" + hashes.keySet();
  }
}
