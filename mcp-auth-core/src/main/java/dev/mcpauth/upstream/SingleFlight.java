package dev.mcpauth.upstream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs one piece of work per key at a time, and gives its result to every caller that asked for
 * the same key meanwhile: many concurrent requests of one grant whose upstream token has expired
 * cause a single upstream refresh. A caller that comes after the work finished starts a new one.
 * Thread-safe.
 */
public final class SingleFlight<K, V> {
  private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

  /**
   * @return what this call's, or a concurrent call's, {@code work} returned
   * @throws RuntimeException what {@code work} threw, to every caller that shared it
   */
  public V run(K key, Supplier<V> work) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return join(running);
    }
    try {
      mine.complete(work.get());
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
    } finally {
      inFlight.remove(key, mine);
    }
    return join(mine);
  }

  private static <V> V join(CompletableFuture<V> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
