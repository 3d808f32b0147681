package dev.mcpauth.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code requests} in any {@code period}, refilled smoothly: a token bucket of that capacity
 * that regains {@code requests} tokens per {@code period}, so a burst of the whole allowance is
 * admitted and then one request per {@code period / requests}. Immutable.
 *
 * @param requests how many requests a period admits, at least 1
 * @param period the period, at least one second
 */
public record RateLimit(long requests, Duration period) {
  public RateLimit {
    Objects.requireNonNull(period, "period");
    if (requests < 1) {
      throw new IllegalArgumentException("a rate limit admits at least 1 request, was " + requests);
    }
    if (period.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("a rate limit's period is at least 1 second, was " + period);
    }
  }

  public static RateLimit perSecond(long requests) {
    return new RateLimit(requests, Duration.ofSeconds(1));
  }

  public static RateLimit perMinute(long requests) {
    return new RateLimit(requests, Duration.ofMinutes(1));
  }

  public static RateLimit perHour(long requests) {
    return new RateLimit(requests, Duration.ofHours(1));
  }

  public static RateLimit perDay(long requests) {
    return new RateLimit(requests, Duration.ofDays(1));
  }

  /**
   * Parses {@code N/second}, {@code N/minute}, {@code N/hour} or {@code N/day}, as configuration
   * files and command lines write it.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static RateLimit parse(String text) {
    String[] parts = text.strip().split("/", 2);
    if (parts.length != 2) {
      throw new IllegalArgumentException("a rate limit is N/second, N/minute, N/hour or N/day, was '" + text + "'");
    }
    long requests;
    try {
      requests = Long.parseLong(parts[0].strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a rate limit starts with a whole number, was '" + text + "'");
    }
    Duration period = switch (parts[1].strip()) {
      case "second", "s" -> Duration.ofSeconds(1);
      case "minute", "min" -> Duration.ofMinutes(1);
      case "hour", "h" -> Duration.ofHours(1);
      case "day", "d" -> Duration.ofDays(1);
      default -> throw new IllegalArgumentException("a rate limit's unit is second, minute, hour or day, was '" + text + "'");
    };
    return new RateLimit(requests, period);
  }

  @Override
  public String toString() {
    String unit = switch ((int) Math.min(period.getSeconds(), Integer.MAX_VALUE)) {
      case 1 -> "second";
      case 60 -> "minute";
      case 3600 -> "hour";
      case 86400 -> "day";
      default -> period.toString();
    };
    return requests + "/" + unit;
  }
}
