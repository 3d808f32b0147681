package dev.mcpauth.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final MutableClock clock = MutableClock.atStart();

  @Test
  void tryAcquireWhenBurstSpentThenRefusedUntilRefillAndKeysAreIndependent() {
    RateLimiter limiter = new RateLimiter(RateLimits.defaults().with(LimitedAction.REGISTRATION, RateLimit.perHour(3)),
        clock);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).isEmpty();
    }

    assertThat(limiter.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).contains(Duration.ofMinutes(20));
    assertThat(limiter.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.2")).isEmpty();
    assertThat(limiter.tryAcquire(LimitedAction.TOKEN, "192.0.2.1")).isEmpty();
    clock.advance(Duration.ofMinutes(19));
    assertThat(limiter.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).contains(Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(1));
    assertThat(limiter.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).isEmpty();
  }

  @Test
  void tryAcquireWhenActionUnlimitedThenAlwaysAdmitted() {
    RateLimiter limiter = new RateLimiter(RateLimits.defaults().with(LimitedAction.TOKEN), clock);

    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.tryAcquire(LimitedAction.TOKEN, "192.0.2.1")).isEmpty();
    }
  }

  @Test
  void defaultsWhenRegistrationBurstFromOneAddressThenSixHundredAdmitted() {
    RateLimiter limiter = new RateLimiter(RateLimits.defaults(), clock);
    int admitted = 0;
    while (limiter.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1").isEmpty()) {
      admitted++;
    }

    assertThat(admitted).isEqualTo(600);
  }

  @Test
  void loginThrottleWhenOneUserKeepsFailingThenEachWaitIsLongerAndOtherUsersUntouched() {
    LoginThrottle throttle = new LoginThrottle(new RateLimiter(RateLimits.defaults(), clock));
    List<Duration> waits = new ArrayList<>();
    int attempts = 0;
    while (attempts < 150) {
      Optional<Duration> wait = throttle.tryAttempt("alice", "198.51.100." + (attempts % 200)); // many addresses
      if (wait.isPresent()) {
        waits.add(wait.get());
        clock.advance(wait.get());
      } else {
        attempts++;
      }
    }

    assertThat(waits).isSortedAccordingTo(Duration::compareTo);
    assertThat(waits.get(0)).isEqualTo(Duration.ofSeconds(12)); // 5/minute
    assertThat(waits).contains(Duration.ofMinutes(3)); // then 20/hour
    assertThat(waits.get(waits.size() - 1)).isGreaterThanOrEqualTo(Duration.ofMinutes(14)); // then 100/day
    assertThat(throttle.tryAttempt("bob", "203.0.113.9")).isEmpty();
  }

  @Test
  void loginThrottleWhenUserUnknownThenCountedExactlyLikeAKnownOne() {
    LoginThrottle throttle = new LoginThrottle(new RateLimiter(RateLimits.defaults(), clock));
    List<Optional<Duration>> known = new ArrayList<>();
    List<Optional<Duration>> unknown = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      known.add(throttle.tryAttempt("alice", "192.0.2.1"));
      unknown.add(throttle.tryAttempt("no-such-user", "192.0.2.2"));
    }

    assertThat(unknown).isEqualTo(known);
    assertThat(throttle.tryAttempt(" ALICE ", "192.0.2.3")).isPresent(); // the same name, differently written
  }

  @Test
  void loginThrottleWhenOneAddressTriesManyUsersThenRefusedByAddress() {
    LoginThrottle throttle = new LoginThrottle(new RateLimiter(RateLimits.defaults(), clock));
    for (int i = 0; i < 30; i++) {
      assertThat(throttle.tryAttempt("user" + i, "192.0.2.1")).isEmpty();
    }

    assertThat(throttle.tryAttempt("user30", "192.0.2.1")).contains(Duration.ofSeconds(2));
    // The refused attempt did not count against user30's own allowance.
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.tryAttempt("user30", "203.0.113." + i)).isEmpty();
    }
  }

  @Test
  void loginThrottleWhenLoginSucceedsThenNotCounted() {
    LoginThrottle throttle = new LoginThrottle(new RateLimiter(RateLimits.defaults(), clock));
    for (int i = 0; i < 50; i++) {
      assertThat(throttle.tryAttempt("alice", "192.0.2.1")).isEmpty();
      throttle.succeeded("alice", "192.0.2.1");
    }
  }

  @Test
  void rateLimitParseWhenMalformedThenSaysWhat() {
    assertThat(RateLimit.parse("600/hour")).isEqualTo(RateLimit.perHour(600));
    assertThat(RateLimit.parse(" 5 / minute ")).isEqualTo(RateLimit.perMinute(5));
    assertThatThrownBy(() -> RateLimit.parse("600")).hasMessageContaining("N/second, N/minute");
    assertThatThrownBy(() -> RateLimit.parse("x/hour")).hasMessageContaining("whole number");
    assertThatThrownBy(() -> RateLimit.parse("6/week")).hasMessageContaining("unit");
    assertThatThrownBy(() -> RateLimit.parse("0/hour")).hasMessageContaining("at least 1 request");
  }
}
