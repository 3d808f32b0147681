package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.testing.Concurrently;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Many concurrent callers of one key share one execution: one upstream refresh per grant. */
class SingleFlightTest {
  private final SingleFlight<String, String> flight = new SingleFlight<>();
  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void runWhenThirtyTwoCallersAskAtOnceThenTheWorkRunsOnceAndAllGetItsResult() throws Exception {
    Set<Thread> callers = ConcurrentHashMap.newKeySet();
    AtomicReference<Thread> worker = new AtomicReference<>();
    CountDownLatch othersWaiting = new CountDownLatch(1);
    Thread watcher = new Thread(() -> {
      while (!othersWaitInTheFlight(callers, worker.get(), 32)) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      othersWaiting.countDown();
    }, "single-flight-watcher");
    watcher.setDaemon(true);
    watcher.start();

    List<String> results = Concurrently.run(32, () -> {
      callers.add(Thread.currentThread());
      return flight.run("grant-1", () -> {
        runs.incrementAndGet();
        worker.set(Thread.currentThread());
        awaitUninterruptibly(othersWaiting); // in flight until every other caller shares it
        return "refreshed";
      });
    });

    assertThat(results).hasSize(32).containsOnly("refreshed");
    assertThat(runs.get()).isEqualTo(1);
  }

  /**
   * Whether all {@code count} callers have asked and every one but the worker is parked inside {@link
   * SingleFlight#run}: there it can only be waiting for the worker's result.
   */
  private static boolean othersWaitInTheFlight(Set<Thread> callers, Thread worker, int count) {
    return worker != null && callers.size() == count && callers.stream().filter(caller -> caller != worker)
        .allMatch(caller -> caller.getState() == Thread.State.WAITING && Arrays.stream(caller.getStackTrace())
            .anyMatch(frame -> frame.getClassName().equals(SingleFlight.class.getName())));
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void runWhenTheWorkFailsThenEverySharingCallerSeesTheFailureAndTheNextCallRunsAgain() {
    assertThatThrownBy(() -> flight.run("grant-1", () -> {
      throw new IllegalStateException("upstream refused");
    })).isInstanceOf(IllegalStateException.class).hasMessage("upstream refused");
    assertThat(flight.run("grant-1", () -> "second try")).isEqualTo("second try");
  }

  @Test
  void runWhenKeysDifferThenTheyDoNotWaitForEachOther() {
    assertThat(flight.run("grant-1", () -> flight.run("grant-2", () -> "inner"))).isEqualTo("inner");
  }
}
