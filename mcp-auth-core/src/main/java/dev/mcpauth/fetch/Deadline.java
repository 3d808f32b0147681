package dev.mcpauth.fetch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The end of a fetch's time budget, with an action run when it passes: aborting the connection is
 * the only way to stop a blocked socket read. The timer is the JDK's shared delay scheduler
 * ({@link CompletableFuture#orTimeout}), so a fetcher owns no thread and needs no closing. Closing a
 * deadline cancels its timer. Thread-safe.
 */
final class Deadline implements AutoCloseable {
  private final CompletableFuture<Void> timer = new CompletableFuture<>();
  private final long endNanos;

  private Deadline(Duration budget) {
    this.endNanos = System.nanoTime() + budget.toNanos();
    timer.orTimeout(budget.toNanos(), TimeUnit.NANOSECONDS);
  }

  static Deadline after(Duration budget) {
    return new Deadline(budget);
  }

  /** Runs {@code action} once the deadline passes, at once if it has; never after {@link #close()}. */
  void onExpiry(Runnable action) {
    timer.whenComplete((ignored, timeout) -> {
      if (timeout != null) {
        action.run();
      }
    });
  }

  boolean expired() {
    return timer.isCompletedExceptionally() || remaining().isZero();
  }

  /** What is left of the budget; zero once it has passed. */
  Duration remaining() {
    long left = endNanos - System.nanoTime();
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  @Override
  public void close() {
    timer.complete(null);
  }
}
