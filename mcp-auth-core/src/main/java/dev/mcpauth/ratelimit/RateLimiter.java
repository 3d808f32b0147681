package dev.mcpauth.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a request may proceed: one token bucket (Bucket4j) per action and key, e.g. per
 * registration and source address, whose time is the server's {@link Clock}. Framework-neutral: the
 * web adapter names the action and the key and writes the refusal (429 with {@code Retry-After},
 * RFC 6585 §4). Thread-safe.
 *
 * <p>The buckets live in this process, so each replica counts on its own: with N replicas behind a
 * load balancer, one address gets up to N times the limit. The number of keys held is bounded; when
 * full, some idle keys are forgotten, which can only make a limit more lenient (an address
 * spraying new keys to push out its own ones needs more than 100,000 of them).
 */
public final class RateLimiter {
  /** Keys held at most: about 20 MB of buckets. */
  static final int MAX_KEYS = 100_000;

  private record Key(LimitedAction action, String value) {}

  private final RateLimits limits;
  private final TimeMeter time;
  private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(RateLimits limits, Clock clock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(clock, "clock");
    this.time = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return Math.multiplyExact(clock.millis(), 1_000_000L);
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }

  /**
   * Counts one request of {@code action} from {@code key}.
   *
   * @return empty if it may proceed; otherwise how long until it would be admitted (at least one
   *     second, for {@code Retry-After}), and nothing was counted
   */
  public Optional<Duration> tryAcquire(LimitedAction action, String key) {
    Bucket bucket = bucket(action, key);
    if (bucket == null) {
      return Optional.empty();
    }
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return Optional.empty();
    }
    long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    return Optional.of(Duration.ofSeconds(seconds));
  }

  /** Gives back a request counted by {@link #tryAcquire} that turned out not to count, e.g. a login that succeeded. */
  public void refund(LimitedAction action, String key) {
    Bucket bucket = bucket(action, key);
    if (bucket != null) {
      bucket.addTokens(1);
    }
  }

  private Bucket bucket(LimitedAction action, String key) {
    List<RateLimit> of = limits.of(action);
    if (of.isEmpty()) {
      return null;
    }
    Key k = new Key(action, Objects.requireNonNull(key, "key"));
    Bucket bucket = buckets.get(k);
    if (bucket != null) {
      return bucket;
    }
    if (buckets.size() >= MAX_KEYS) {
      forgetSome();
    }
    return buckets.computeIfAbsent(k, ignored -> newBucket(of));
  }

  /** Drops an eighth of the keys, in the map's order: cheap, and at worst a limit starts afresh. */
  private void forgetSome() {
    int toDrop = MAX_KEYS / 8;
    for (Iterator<Key> it = buckets.keySet().iterator(); it.hasNext() && toDrop > 0; toDrop--) {
      it.next();
      it.remove();
    }
  }

  private Bucket newBucket(List<RateLimit> of) {
    LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(time);
    for (RateLimit limit : of) {
      builder.addLimit(b -> b.capacity(limit.requests()).refillGreedy(limit.requests(), limit.period()));
    }
    return builder.build();
  }
}
