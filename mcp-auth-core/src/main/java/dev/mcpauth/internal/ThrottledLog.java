package dev.mcpauth.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;

/**
 * Logs a warning or error at most once per interval for each message, so that a failure anyone can
 * trigger on every request (a store outage, an introspection endpoint down, a failing listener)
 * cannot flood the logs. The first occurrence is logged at once; repeats within {@link #interval()}
 * are counted, not logged; the next occurrence after the interval is logged with the count of those
 * suppressed, e.g. {@code The mcp-auth store is unavailable: redis: JedisConnectionException (1234
 * more like this within 60 s of the last one were not logged)}. A count is reported with that message's next line, so a flood
 * that stops leaves its last count unreported.
 *
 * <p>Messages are told apart by their format string (the template with {@code {}} placeholders),
 * never by their arguments: the keys are the code's own constants, so an attacker who varies the
 * arguments cannot grow the map or escape the limit. A {@link Throwable} as the last argument stays
 * the logged exception. Thread-safe.
 */
public final class ThrottledLog {
  /** Long enough to bound a flood to a line a minute, short enough that an outage stays visible. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  private final Logger logger;
  private final Duration interval;
  private final Clock clock;
  private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

  /** The current interval of one message: when its last line was logged and how many were suppressed since. */
  private record Window(Instant logged, long suppressed) {}

  public ThrottledLog(Logger logger, Duration interval, Clock clock) {
    this.logger = Objects.requireNonNull(logger, "logger");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive");
    }
  }

  /** {@link #DEFAULT_INTERVAL} on the system clock. */
  public static ThrottledLog of(Logger logger) {
    return new ThrottledLog(logger, DEFAULT_INTERVAL, Clock.systemUTC());
  }

  public Duration interval() {
    return interval;
  }

  /** {@link Logger#warn(String, Object...)}, throttled per {@code format}. */
  public void warn(String format, Object... arguments) {
    if (logger.isWarnEnabled()) {
      long suppressed = admit(format);
      if (suppressed >= 0) {
        logger.warn(withCount(format, suppressed), withCount(arguments, suppressed));
      }
    }
  }

  /** {@link Logger#error(String, Object...)}, throttled per {@code format}. */
  public void error(String format, Object... arguments) {
    if (logger.isErrorEnabled()) {
      long suppressed = admit(format);
      if (suppressed >= 0) {
        logger.error(withCount(format, suppressed), withCount(arguments, suppressed));
      }
    }
  }

  /** How many were suppressed before this one if it is to be logged now, or -1 if it is suppressed. */
  private long admit(String format) {
    Instant now = clock.instant();
    long[] result = {-1};
    windows.compute(format, (key, window) -> {
      if (window == null || !now.isBefore(window.logged().plus(interval))) {
        result[0] = window == null ? 0 : window.suppressed();
        return new Window(now, 0);
      }
      return new Window(window.logged(), window.suppressed() + 1);
    });
    return result[0];
  }

  private String withCount(String format, long suppressed) {
    return suppressed == 0 ? format : format + " ({} more like this within {} s of the last one were not logged)";
  }

  private Object[] withCount(Object[] arguments, long suppressed) {
    if (suppressed == 0) {
      return arguments;
    }
    boolean throwable = arguments.length > 0 && arguments[arguments.length - 1] instanceof Throwable;
    int plain = throwable ? arguments.length - 1 : arguments.length;
    Object[] counted = Arrays.copyOf(arguments, arguments.length + 2);
    counted[plain] = suppressed;
    counted[plain + 1] = interval.toSeconds();
    if (throwable) {
      counted[plain + 2] = arguments[plain];
    }
    return counted;
  }
}
