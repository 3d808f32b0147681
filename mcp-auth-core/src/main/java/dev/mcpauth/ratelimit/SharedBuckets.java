package dev.mcpauth.ratelimit;

import dev.mcpauth.store.RateLimitStore;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Bucket4j's compare-and-swap proxy manager on a {@link RateLimitStore}: Bucket4j reads a bucket's
 * state, computes the next one and writes it only if nobody wrote in between, retrying otherwise.
 * So Bucket4j does the token arithmetic and our stores (JDBC, Redis) only keep bytes atomically.
 * A state is kept until its bucket would be full again, plus a minute. Thread-safe.
 */
final class SharedBuckets extends AbstractCompareAndSwapBasedProxyManager<String> {
  private static final ExpirationAfterWriteStrategy KEEP_UNTIL_FULL =
      ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1));

  private final RateLimitStore store;
  private final TimeMeter time;

  SharedBuckets(RateLimitStore store, TimeMeter time) {
    super(ClientSideConfig.getDefault().withClientClock(time).withExpirationAfterWriteStrategy(KEEP_UNTIL_FULL));
    this.store = store;
    this.time = time;
  }

  @Override
  protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
    return new CompareAndSwapOperation() {
      @Override
      public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
        return store.find(key);
      }

      @Override
      public boolean compareAndSwap(byte[] originalData, byte[] newData, RemoteBucketState newState,
          Optional<Long> timeoutNanos) {
        long nowNanos = time.currentTimeNanos();
        long ttlMillis = Math.max(1_000, KEEP_UNTIL_FULL.calculateTimeToLiveMillis(newState, nowNanos));
        Instant expiresAt = Instant.ofEpochMilli(nowNanos / 1_000_000L + ttlMillis);
        return store.compareAndSet(key, Optional.ofNullable(originalData), newData, expiresAt);
      }
    };
  }

  @Override
  protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
    throw new UnsupportedOperationException("the rate limiter is synchronous");
  }

  @Override
  protected CompletableFuture<Void> removeAsync(String key) {
    throw new UnsupportedOperationException("the rate limiter is synchronous");
  }

  @Override
  public void removeProxy(String key) {
    throw new UnsupportedOperationException("buckets lapse on their own");
  }

  @Override
  public boolean isAsyncModeSupported() {
    return false;
  }

  /** The stores keep each state until the expiry this class computes, then drop it. */
  @Override
  public boolean isExpireAfterWriteSupported() {
    return true;
  }
}
