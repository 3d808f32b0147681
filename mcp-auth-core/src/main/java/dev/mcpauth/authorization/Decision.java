package dev.mcpauth.authorization;

import java.util.Objects;
import java.util.Set;

/**
 * The answer of the login and consent step for one pending authorization: the user approved some or
 * all of the requested scopes, or denied. Nothing in it can change where the response goes or what
 * the code is bound to.
 */
public sealed interface Decision {

  /**
   * @param subject the authenticated user's stable identifier
   * @param scopes the scopes the user granted: the requested ones or fewer
   */
  record Approve(String subject, Set<String> scopes) implements Decision {
    public Approve {
      Objects.requireNonNull(subject, "subject");
      if (subject.isBlank()) {
        throw new IllegalArgumentException("subject must not be blank");
      }
      scopes = Set.copyOf(scopes);
    }
  }

  /** The user refused; the client receives {@code access_denied}. */
  record Deny() implements Decision {}

  static Decision approve(String subject, Set<String> scopes) {
    return new Approve(subject, scopes);
  }

  static Decision deny() {
    return new Deny();
  }
}
