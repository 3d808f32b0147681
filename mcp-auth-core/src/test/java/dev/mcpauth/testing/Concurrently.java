package dev.mcpauth.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one action on many threads released at the same instant, and fails if they do not all start:
 * fewer threads would test less concurrency than the test says. The results are awaited for as long
 * as the test's {@code @Timeout} allows.
 */
public final class Concurrently {
  /** Starting a thread takes milliseconds; this bound is for a machine that is very busy. */
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);

  private Concurrently() {}

  public static <T> List<T> run(int threads, Supplier<T> action) throws Exception {
    return run(threads, action, Executors.defaultThreadFactory(), READY_WITHIN);
  }

  static <T> List<T> run(int threads, Supplier<T> action, ThreadFactory factory, Duration readyWithin) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads, factory);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return action.get();
        }));
      }
      if (!ready.await(readyWithin.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("Only " + (threads - ready.getCount()) + " of " + threads
            + " threads started within " + readyWithin.toMillis() + " ms: the action was not run");
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
