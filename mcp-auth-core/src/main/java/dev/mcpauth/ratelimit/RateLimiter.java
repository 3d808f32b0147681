package dev.mcpauth.ratelimit;

import dev.mcpauth.store.RateLimitStore;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a request may proceed: one token bucket (Bucket4j) per action and key, e.g. per
 * registration and source address, whose time is the server's {@link Clock}. Framework-neutral: the
 * web adapter names the action and the key and writes the refusal (429 with {@code Retry-After},
 * RFC 6585 §4). Thread-safe.
 *
 * <p>With a {@link RateLimitStore} (a store shared by replicas) the buckets live there and a limit
 * holds across the replicas; while that store fails, each process counts on its own (and the
 * endpoint behind, which needs the same store, answers 503 itself). Without one, the buckets
 * live in this process, so with N replicas one address gets up to N times the limit; the number of
 * keys held is then bounded, and when full some keys are forgotten, which can only make a limit more
 * lenient (an address spraying new keys to push out its own ones needs more than 100,000 of them).
 */
public final class RateLimiter {
  /** Keys held at most: about 20 MB of buckets. */
  static final int MAX_KEYS = 100_000;

  private record Key(LimitedAction action, String value) {}

  private final RateLimits limits;
  private final TimeMeter time;
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  private static final long LOG_INTERVAL_MILLIS = 60_000;
  private static final long LOCAL_AFTER_FAILURE_MILLIS = 30_000;

  private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();
  private final SharedBuckets shared;
  private final Map<LimitedAction, BucketConfiguration> configurations = new EnumMap<>(LimitedAction.class);
  private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE / 2);
  private final AtomicLong sharedFailedUntil = new AtomicLong(Long.MIN_VALUE);
  private final Clock clock;

  /** Buckets in this process. */
  public RateLimiter(RateLimits limits, Clock clock) {
    this(limits, clock, Optional.empty());
  }

  /** Buckets in {@code store} when given, shared by the replicas on it; else in this process. */
  public RateLimiter(RateLimits limits, Clock clock, Optional<RateLimitStore> store) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
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
    this.shared = store.map(s -> new SharedBuckets(s, time)).orElse(null);
    for (LimitedAction action : LimitedAction.values()) {
      List<RateLimit> of = limits.of(action);
      if (!of.isEmpty()) {
        ConfigurationBuilder configuration = BucketConfiguration.builder();
        for (RateLimit limit : of) {
          configuration.addLimit(b -> b.capacity(limit.requests()).refillGreedy(limit.requests(), limit.period()));
        }
        configurations.put(action, configuration.build());
      }
    }
  }

  /**
   * Counts one request of {@code action} from {@code key}.
   *
   * @return empty if it may proceed; otherwise how long until it would be admitted (at least one
   *     second, for {@code Retry-After}), and nothing was counted
   */
  public Optional<Duration> tryAcquire(LimitedAction action, String key) {
    BucketConfiguration configuration = configurations.get(action);
    if (configuration == null) {
      return Optional.empty();
    }
    ConsumptionProbe probe = null;
    if (useShared()) {
      try {
        probe = shared.builder().build(storeKey(action, key), () -> configuration).tryConsumeAndReturnRemaining(1);
      } catch (RuntimeException e) {
        storeFailed(e);
      }
    }
    if (probe == null) {
      probe = local(action, key).tryConsumeAndReturnRemaining(1);
    }
    if (probe.isConsumed()) {
      return Optional.empty();
    }
    long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    return Optional.of(Duration.ofSeconds(seconds));
  }

  /** Gives back a request counted by {@link #tryAcquire} that turned out not to count, e.g. a login that succeeded. */
  public void refund(LimitedAction action, String key) {
    BucketConfiguration configuration = configurations.get(action);
    if (configuration == null) {
      return;
    }
    if (useShared()) {
      try {
        shared.builder().build(storeKey(action, key), () -> configuration).addTokens(1);
        return;
      } catch (RuntimeException e) {
        storeFailed(e);
      }
    }
    local(action, key).addTokens(1);
  }

  private boolean useShared() {
    return shared != null && clock.millis() >= sharedFailedUntil.get();
  }

  /**
   * The shared store failed: for the next 30 seconds this process counts on its own instead of
   * waiting on the store again for every request (the endpoint behind waits on it already). An
   * attacker can make this happen often, so it is logged once a minute.
   */
  private void storeFailed(RuntimeException e) {
    long now = clock.millis();
    sharedFailedUntil.set(now + LOCAL_AFTER_FAILURE_MILLIS);
    long last = lastLogged.get();
    if (now - last >= LOG_INTERVAL_MILLIS && lastLogged.compareAndSet(last, now)) {
      LOG.warn("The rate limits' shared store failed ({}): each replica counts on its own for a while",
          e.getClass().getSimpleName());
    }
  }

  private Bucket local(LimitedAction action, String key) {
    Key k = new Key(action, Objects.requireNonNull(key, "key"));
    Bucket bucket = buckets.get(k);
    if (bucket != null) {
      return bucket;
    }
    if (buckets.size() >= MAX_KEYS) {
      forgetSome();
    }
    return buckets.computeIfAbsent(k, ignored -> newBucket(limits.of(action)));
  }

  /** The action and a hash of the key: no address or user name reaches the store, and every key is short. */
  private static String storeKey(LimitedAction action, String key) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return action.name().toLowerCase(java.util.Locale.ROOT) + ":"
          + Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
