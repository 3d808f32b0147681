package dev.mcpauth.servlet;

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
   * Whether {@code subject} is still a user who may sign in. A browser's login session stands in for
   * the password only while this says yes, so removing a user ends their sessions. The default, no,
   * keeps no browser signed in (the password is asked every time): fail closed for an authenticator
   * that cannot tell.
   */
  default boolean knows(String subject) {
    return false;
  }

  /**
   * Fixed users, e.g. from configuration: user name to password, or to a {@link PasswordHash} in its
   * encoded form ({@code pbkdf2-sha256$<iterations>$<salt>$<hash>}, made by {@link PasswordHash#of}),
   * which keeps the password itself out of the configuration. A value that starts with {@code
   * pbkdf2-sha256$} is always read as a hash. Plain passwords are hashed here, once each (about
   * 135 ms per password at the default iteration count), and only their salted hashes are kept.
   *
   * <p>A check costs one PBKDF2 run whether or not the user exists: an unknown name is checked
   * against a decoy hash with the highest iteration count in the list (so give every hash the same
   * count). The subject is the user name.
   *
   * @throws IllegalArgumentException for an empty user name or password, or a malformed hash (the
   *     message names the user, never the value)
   */
  static UserAuthenticator ofUsers(Map<String, String> passwords) {
    return new FixedUsers(passwords);
  }
}
