package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.testing.Concurrently;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many concurrent callers of one key share one execution: one upstream refresh per grant. */
class SingleFlightTest {
  private final SingleFlight<String, String> flight = new SingleFlight<>();
  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void runWhenThirtyTwoCallersAskAtOnceThenTheWorkRunsOnceAndAllGetItsResult() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread opener = new Thread(() -> {
      try {
        TimeUnit.MILLISECONDS.sleep(200); // the work stays in flight while the others arrive
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      release.countDown();
    });
    opener.start();
    List<String> results = Concurrently.run(32, () -> flight.run("grant-1", () -> {
      runs.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "refreshed";
    }));
    assertThat(results).hasSize(32).containsOnly("refreshed");
    assertThat(runs.get()).isEqualTo(1);
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
