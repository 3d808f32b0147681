package dev.mcpauth.token;

import dev.mcpauth.event.EventType;
import dev.mcpauth.internal.Settings;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Revokes grants: removes the grant from the store, which kills its code, refresh tokens and access
 * tokens, drops it from every verifier's cache in this process, and signs its user out of every
 * browser. Thread-safe.
 */
final class GrantRevocation {
  private final Settings settings;
  private final List<IssuedTokenVerifier> verifiers = new CopyOnWriteArrayList<>();

  GrantRevocation(Settings settings) {
    this.settings = settings;
  }

  void register(IssuedTokenVerifier verifier) {
    verifiers.add(verifier);
  }

  /**
   * @param cause why: {@link EventType#GRANT_REVOKED} for a revocation request, or the misuse that
   *     made the server revoke it (a replay, a token presented by the wrong client)
   */
  void revoke(String grantId, String clientId, EventType cause) {
    // The user's browser sign-ins end with any of their grants: whoever revokes access (the user, an
    // administrator, replay detection) must not leave a browser able to authorize again without a password.
    Optional<String> subject = settings.storage().loginSessions().isPresent()
        ? settings.storage().grants().find(grantId).map(Grant::subject) : Optional.empty();
    settings.storage().grants().revoke(grantId);
    subject.ifPresent(user -> settings.storage().loginSessions().ifPresent(sessions -> sessions.deleteAllOf(user)));
    try {
      settings.storage().upstreamTokens().delete(grantId);
    } catch (UnsupportedOperationException noFederation) {
      // a store without upstream tokens: there are none to delete
    }
    for (IssuedTokenVerifier verifier : verifiers) {
      verifier.forgetGrant(grantId);
    }
    if (cause != EventType.GRANT_REVOKED) {
      settings.events().publish(cause, clientId, grantId, null);
    }
    settings.events().publish(EventType.GRANT_REVOKED, clientId, grantId, null);
  }
}
