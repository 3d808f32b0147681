package dev.mcpauth.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.OAuthException;
import dev.mcpauth.store.RateLimitStore;
import dev.mcpauth.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The rate limiter on a store that replicas share: one fake store, two limiters as two replicas. */
class SharedRateLimitTest {
  private final MutableClock clock = MutableClock.atStart();
  private final FakeStore store = new FakeStore();
  private final RateLimits limits = RateLimits.defaults().with(LimitedAction.REGISTRATION, RateLimit.perHour(4));

  @Test
  void tryAcquireWhenTwoReplicasShareTheStoreThenOneLimitForBoth() {
    RateLimiter a = new RateLimiter(limits, clock, Optional.of(store));
    RateLimiter b = new RateLimiter(limits, clock, Optional.of(store));

    assertThat(a.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).isEmpty();
    assertThat(b.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).isEmpty();
    assertThat(a.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).isEmpty();
    assertThat(b.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).isEmpty();
    assertThat(a.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).contains(Duration.ofMinutes(15));
    assertThat(b.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).contains(Duration.ofMinutes(15));
    b.refund(LimitedAction.REGISTRATION, "192.0.2.1");
    assertThat(a.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).isEmpty();
    assertThat(store.keys()).allSatisfy(key -> assertThat(key).startsWith("registration:").doesNotContain("192.0.2.1"));
    assertThat(store.expiries()).allSatisfy(expiry -> assertThat(expiry).isAfter(clock.instant()));
  }

  @Test
  void tryAcquireWhenStoreFailsThenCountedInThisProcessAndTheStoreLeftAloneForThirtySeconds() {
    RateLimiter limiter = new RateLimiter(limits, clock, Optional.of(store));
    store.down.set(true);

    for (int i = 0; i < 4; i++) {
      assertThat(limiter.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).isEmpty();
    }
    assertThat(limiter.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).isPresent();
    assertThat(store.calls.get()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(30));
    store.down.set(false);
    assertThat(limiter.tryAcquire(LimitedAction.REGISTRATION, "192.0.2.1")).isEmpty();
    assertThat(store.calls.get()).isGreaterThan(1);
  }

  /** Compare-and-set over a map, failing on demand as a store that is cut off does. */
  private static final class FakeStore implements RateLimitStore {
    private record Entry(byte[] state, Instant expiresAt) {}

    private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Optional<byte[]> find(String key) {
      call();
      return Optional.ofNullable(map.get(key)).map(Entry::state);
    }

    @Override
    public boolean compareAndSet(String key, Optional<byte[]> expected, byte[] state, Instant expiresAt) {
      call();
      boolean[] set = new boolean[1];
      map.compute(key, (k, held) -> {
        boolean matches = held == null ? expected.isEmpty() : expected.isPresent() && Arrays.equals(held.state, expected.get());
        set[0] = matches;
        return matches ? new Entry(state.clone(), expiresAt) : held;
      });
      return set[0];
    }

    java.util.Set<String> keys() {
      return map.keySet();
    }

    java.util.List<Instant> expiries() {
      return map.values().stream().map(Entry::expiresAt).toList();
    }

    private void call() {
      calls.incrementAndGet();
      if (down.get()) {
        throw OAuthException.temporarilyUnavailable("The store is unavailable", "fake: down");
      }
    }
  }
}
