package dev.mcpauth.ratelimit;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Slows password guessing on a login form: each attempt is counted against its user name and its
 * source address before the password is checked, and given back if the login succeeds, so only
 * failures add up. The user name is counted whether or not such a user exists, and a refused
 * attempt checks no password, so neither the answer nor its timing tells an unknown user from a
 * wrong password. Thread-safe.
 *
 * <p>One can lock a user out by failing on purpose with their name; the per-user limits are meant
 * to delay a guesser (seconds, then minutes) rather than to lock, and other users are untouched.
 */
public final class LoginThrottle {
  /** Longer user names are counted by their start: still one key per attacker-chosen name. */
  private static final int MAX_NAME_LENGTH = 256;

  private final RateLimiter limiter;

  public LoginThrottle(RateLimiter limiter) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  /**
   * Counts an attempt, before the password is checked.
   *
   * @return empty if the password may be checked; otherwise how long until the next attempt
   *     may be made, and nothing was counted
   */
  public Optional<Duration> tryAttempt(String username, String sourceAddress) {
    String user = userKey(username);
    Optional<Duration> byUser = limiter.tryAcquire(LimitedAction.FAILED_LOGIN_PER_USER, user);
    if (byUser.isPresent()) {
      return byUser;
    }
    Optional<Duration> byAddress = limiter.tryAcquire(LimitedAction.FAILED_LOGIN_PER_ADDRESS, sourceAddress);
    if (byAddress.isPresent()) {
      limiter.refund(LimitedAction.FAILED_LOGIN_PER_USER, user);
    }
    return byAddress;
  }

  /** The attempt logged in: it does not count as a failure. */
  public void succeeded(String username, String sourceAddress) {
    limiter.refund(LimitedAction.FAILED_LOGIN_PER_USER, userKey(username));
    limiter.refund(LimitedAction.FAILED_LOGIN_PER_ADDRESS, sourceAddress);
  }

  /** Case and surrounding space folded, so that "Alice " is not a fresh allowance for "alice". */
  private static String userKey(String username) {
    String folded = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    return folded.length() > MAX_NAME_LENGTH ? folded.substring(0, MAX_NAME_LENGTH) : folded;
  }
}
