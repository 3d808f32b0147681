package dev.mcpauth.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** The helper the concurrency tests rely on: every thread runs the action, or the run fails saying why. */
class ConcurrentlyTest {
  @Test
  void runWhenEveryThreadStartsThenEveryResultInOrder() throws Exception {
    assertThat(Concurrently.run(8, () -> "done")).hasSize(8).containsOnly("done");
  }

  @Test
  void runWhenTheThreadsNeverStartThenItFailsSayingSoInsteadOfRunningFewer() {
    ThreadFactory neverRuns = task -> new Thread(() -> { }); // a thread that never runs its task
    assertThatThrownBy(() -> Concurrently.run(4, () -> "done", neverRuns, Duration.ofMillis(200)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("0 of 4 threads");
  }

  @Test
  void runWhenSomeThreadsNeverStartThenItFailsSayingHowMany() {
    ThreadFactory defaults = Executors.defaultThreadFactory();
    int[] made = {0};
    ThreadFactory half = task -> made[0]++ % 2 == 0 ? defaults.newThread(task) : new Thread(() -> { });
    assertThatThrownBy(() -> Concurrently.run(4, () -> "done", half, Duration.ofMillis(200)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2 of 4 threads");
  }
}
