package dev.mcpauth.ratelimit;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The limits of each {@link LimitedAction}; an action may have several (all must admit a request),
 * and none means unlimited. Immutable.
 *
 * <p>The defaults are meant never to touch a real client. Claude, ChatGPT and VS Code reach a server
 * from a few shared egress addresses, so the per-address limits count every user of such a client
 * together; and since this server advertises Client ID Metadata Documents, those clients do not
 * register at all. What the defaults do stop is one address flooding the stores: a bucket of capacity
 * C refilled at R admits at most C + R × T in any time T, so one address holds at most 10,000 unused
 * registrations (5,000 + 5,000 within their 24-hour lifetime) and 1,400 pending authorizations
 * (1,200 + 200 within their 10 minutes), instead of without bound.
 */
public final class RateLimits {
  private static final Map<LimitedAction, List<RateLimit>> DEFAULTS = defaultMap();

  private final Map<LimitedAction, List<RateLimit>> limits;

  private RateLimits(Map<LimitedAction, List<RateLimit>> limits) {
    EnumMap<LimitedAction, List<RateLimit>> copy = new EnumMap<>(LimitedAction.class);
    limits.forEach((action, list) -> copy.put(action, List.copyOf(list)));
    this.limits = Collections.unmodifiableMap(copy);
  }

  /**
   * Registration 600/hour and 5,000/day; token 1,200/minute; authorization 1,200/hour (each leaves a
   * pending request for its lifetime, so this also caps the pending requests of one address);
   * introspection and revocation 6,000/minute; failed logins 5/minute, 20/hour and 100/day per user
   * name (each layer makes the wait longer: seconds, then minutes, then a quarter of an hour) and
   * 30/minute and 300/hour per address.
   */
  public static RateLimits defaults() {
    return new RateLimits(DEFAULTS);
  }

  /** These limits with {@code action}'s replaced; none given means {@code action} is unlimited. */
  public RateLimits with(LimitedAction action, RateLimit... replacement) {
    EnumMap<LimitedAction, List<RateLimit>> changed = new EnumMap<>(limits);
    changed.put(action, List.of(replacement));
    return new RateLimits(changed);
  }

  /** The limits of {@code action}; empty when it is unlimited. */
  public List<RateLimit> of(LimitedAction action) {
    return limits.getOrDefault(action, List.of());
  }

  @Override
  public String toString() {
    return "RateLimits" + limits;
  }

  private static Map<LimitedAction, List<RateLimit>> defaultMap() {
    EnumMap<LimitedAction, List<RateLimit>> map = new EnumMap<>(LimitedAction.class);
    map.put(LimitedAction.REGISTRATION, List.of(RateLimit.perHour(600), RateLimit.perDay(5_000)));
    map.put(LimitedAction.TOKEN, List.of(RateLimit.perMinute(1_200)));
    map.put(LimitedAction.AUTHORIZATION, List.of(RateLimit.perHour(1_200)));
    map.put(LimitedAction.INTROSPECTION_AND_REVOCATION, List.of(RateLimit.perMinute(6_000)));
    map.put(LimitedAction.FAILED_LOGIN_PER_USER,
        List.of(RateLimit.perMinute(5), RateLimit.perHour(20), RateLimit.perDay(100)));
    map.put(LimitedAction.FAILED_LOGIN_PER_ADDRESS, List.of(RateLimit.perMinute(30), RateLimit.perHour(300)));
    return map;
  }
}
