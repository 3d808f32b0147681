package dev.mcpauth.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Browsers signed in at the login page, so that a user who signed in recently is not asked for the
 * password at every authorization. Session ids are bearer secrets held in an {@code HttpOnly} cookie:
 * stores see only their {@link TokenHash}. Implementations must be thread-safe, and replicas sharing
 * the store must see each other's sessions and their ends.
 */
public interface LoginSessionStore {
  /**
   * A signed-in browser.
   *
   * @param subject who signed in
   * @param signedInAt when the password was checked; the absolute lifetime counts from here
   * @param expiresAt when the session lapses: its idle or its absolute end, whichever comes first
   * @param rememberedConsents consents the user asked this browser to remember, each the hash of one
   *     client, redirect URI and set of scopes (43 base64url characters each)
   */
  record LoginSession(String subject, Instant signedInAt, Instant expiresAt, Set<String> rememberedConsents) {
    public LoginSession {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(signedInAt, "signedInAt");
      Objects.requireNonNull(expiresAt, "expiresAt");
      rememberedConsents = Set.copyOf(rememberedConsents);
    }
  }

  /** Saves a new session under its id; it lapses at its expiry. */
  void save(TokenHash sessionId, LoginSession session);

  /**
   * Replaces a live session (renewed, or remembering one more consent), atomically: when it has
   * lapsed or been deleted meanwhile, nothing is written and the answer is {@code false}, so that a
   * request in flight cannot bring back a session that a sign-out or a revocation just ended.
   */
  boolean replace(TokenHash sessionId, LoginSession session);

  /** The session, empty if there is none or it has lapsed. */
  java.util.Optional<LoginSession> find(TokenHash sessionId);

  /** Ends one session (sign-out). */
  void delete(TokenHash sessionId);

  /** Ends every session of {@code subject} (the user's grants were revoked). */
  void deleteAllOf(String subject);
}
