package dev.mcpauth.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mcpauth.internal.ThrottledLog;
import dev.mcpauth.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Repeated warnings collapse into one line per interval with a count; time moves by hand, nothing sleeps. */
class ThrottledLogTest {
  private static final String UNAVAILABLE = "The store is unavailable: {}";

  private final MutableClock clock = MutableClock.atStart();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger logger;
  private ThrottledLog log;

  @BeforeEach
  void capture() {
    logger = (Logger) LoggerFactory.getLogger("dev.mcpauth.test.ThrottledLogTest");
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
    log = new ThrottledLog(logger, Duration.ofMinutes(1), clock);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  @Test
  void warnWhenRepeatedWithinIntervalThenOneLineAndTheNextCarriesTheCount() {
    for (int i = 0; i < 1000; i++) {
      log.warn(UNAVAILABLE, "SQLState 08001");
      clock.advance(Duration.ofMillis(50)); // 1000 in 50 s
    }
    assertThat(lines()).containsExactly("WARN The store is unavailable: SQLState 08001");

    clock.advance(Duration.ofSeconds(10));
    log.warn(UNAVAILABLE, "SQLState 08006");

    assertThat(lines()).containsExactly("WARN The store is unavailable: SQLState 08001",
        "WARN The store is unavailable: SQLState 08006 (999 more like this within 60 s of the last one were not logged)");
  }

  @Test
  void warnWhenIntervalPassedWithoutRepeatsThenLoggedPlain() {
    log.warn(UNAVAILABLE, "a");
    clock.advance(Duration.ofMinutes(1));
    log.warn(UNAVAILABLE, "b");
    clock.advance(Duration.ofSeconds(59));
    log.warn(UNAVAILABLE, "c");

    assertThat(lines()).containsExactly("WARN The store is unavailable: a", "WARN The store is unavailable: b");
  }

  @Test
  void warnAndErrorWhenDifferentMessagesOrLoggersThenThrottledApart() {
    Logger other = (Logger) LoggerFactory.getLogger("dev.mcpauth.test.OtherThrottledLog");
    other.addAppender(appender);
    try {
      ThrottledLog otherLog = new ThrottledLog(other, Duration.ofMinutes(1), clock);
      for (int i = 0; i < 3; i++) {
        log.warn(UNAVAILABLE, i);
        log.error("Introspection failed: {}", i);
        otherLog.warn(UNAVAILABLE, i);
      }
    } finally {
      other.detachAppender(appender);
    }

    assertThat(lines()).containsExactly("WARN The store is unavailable: 0", "ERROR Introspection failed: 0",
        "WARN The store is unavailable: 0");
  }

  @Test
  void warnWhenLastArgumentIsThrowableThenItStaysTheExceptionAfterTheCount() {
    log.warn("Handling failed for {}", "grant-1", new IllegalStateException("first"));
    log.warn("Handling failed for {}", "grant-2", new IllegalStateException("second"));
    clock.advance(Duration.ofMinutes(2));
    log.warn("Handling failed for {}", "grant-3", new IllegalStateException("third"));

    assertThat(lines()).containsExactly("WARN Handling failed for grant-1",
        "WARN Handling failed for grant-3 (1 more like this within 60 s of the last one were not logged)");
    assertThat(appender.list.get(1).getThrowableProxy().getMessage()).isEqualTo("third");
  }

  @Test
  void warnWhenLevelOffThenNothingCountedOrLogged() {
    logger.setLevel(Level.ERROR);
    log.warn(UNAVAILABLE, "a");
    log.warn(UNAVAILABLE, "b");
    logger.setLevel(Level.INFO);
    log.warn(UNAVAILABLE, "c");

    assertThat(lines()).containsExactly("WARN The store is unavailable: c");
  }

  @Test
  void warnWhenManyThreadsRepeatAtOnceThenExactlyOneLineAndEveryRepeatCounted() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(threads.submit(() -> {
          for (int i = 0; i < 500; i++) {
            log.warn(UNAVAILABLE, "x");
          }
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      threads.shutdown();
    }
    clock.advance(Duration.ofMinutes(1));
    log.warn(UNAVAILABLE, "y");

    assertThat(lines()).containsExactly("WARN The store is unavailable: x",
        "WARN The store is unavailable: y (3999 more like this within 60 s of the last one were not logged)");
  }

  @Test
  void constructorWhenIntervalNotPositiveThenRefused() {
    assertThatThrownBy(() -> new ThrottledLog(logger, Duration.ZERO, clock)).hasMessageContaining("positive");
  }

  private List<String> lines() {
    return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }
}
