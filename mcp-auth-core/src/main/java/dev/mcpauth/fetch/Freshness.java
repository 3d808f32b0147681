package dev.mcpauth.fetch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.hc.client5.http.utils.DateUtils;

/**
 * How long a fetched document stays fresh, from its HTTP caching headers (RFC 9111 §4.2), kept
 * within configured bounds so that a server can neither make us fetch on every request nor pin a
 * document for a year. Anything unclear counts as stale, which means the lower bound. Immutable.
 */
final class Freshness {
  /** RFC 9111 §1.2.2: a delta-seconds too large to represent is taken as 2^31 seconds. */
  private static final long DELTA_SECONDS_CAP = 2_147_483_648L;

  private final Duration min;
  private final Duration dflt;
  private final Duration max;

  Freshness(Duration min, Duration dflt, Duration max) {
    this.min = Objects.requireNonNull(min, "min");
    this.dflt = Objects.requireNonNull(dflt, "dflt");
    this.max = Objects.requireNonNull(max, "max");
    if (min.isNegative() || dflt.compareTo(min) < 0 || max.compareTo(dflt) < 0) {
      throw new IllegalArgumentException("freshness bounds must satisfy 0 <= min <= default <= max");
    }
  }

  /**
   * @param cacheControl every {@code Cache-Control} field line
   * @param expires the {@code Expires} value, or {@code null}
   * @param date the {@code Date} value, or {@code null}
   * @param age the {@code Age} value, or {@code null}
   * @param receivedAt when the answer arrived, standing in for a missing {@code Date}
   */
  Duration of(List<String> cacheControl, String expires, String date, String age, Instant receivedAt) {
    return clamp(lifetime(cacheControl, expires, date, receivedAt).minus(age(age)));
  }

  private Duration lifetime(List<String> cacheControl, String expires, String date, Instant receivedAt) {
    Long maxAge = null;
    for (String line : cacheControl) {
      for (String directive : line.split(",")) {
        String[] nameValue = directive.trim().split("=", 2);
        String name = nameValue[0].trim().toLowerCase(Locale.ROOT);
        if (name.equals("no-store") || name.equals("no-cache")) { // §5.2.2.5, §5.2.2.4
          return Duration.ZERO;
        }
        if (name.equals("max-age")) { // §5.2.2.1
          Long seconds = nameValue.length == 2 ? deltaSeconds(nameValue[1].trim()) : null;
          if (seconds == null || maxAge != null) { // invalid or repeated: §4.2.1 allows "stale"
            return Duration.ZERO;
          }
          maxAge = seconds;
        }
      }
    }
    if (maxAge != null) {
      return Duration.ofSeconds(maxAge);
    }
    if (expires != null) { // §5.3: an invalid Expires, such as "0", is in the past
      Instant expiresAt = DateUtils.parseStandardDate(expires);
      if (expiresAt == null) {
        return Duration.ZERO;
      }
      Instant dateAt = date == null ? null : DateUtils.parseStandardDate(date);
      return Duration.between(dateAt != null ? dateAt : receivedAt, expiresAt);
    }
    return dflt;
  }

  /** The {@code Age} header (RFC 9111 §5.1): time the answer already spent in caches. */
  private static Duration age(String age) {
    Long seconds = age == null ? null : deltaSeconds(age.trim());
    return seconds == null ? Duration.ZERO : Duration.ofSeconds(seconds);
  }

  /** RFC 9111 §1.2.2 delta-seconds; the quoted form is tolerated (§5.2). {@code null} if invalid. */
  private static Long deltaSeconds(String value) {
    String digits = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    if (digits.length() > 10) {
      return DELTA_SECONDS_CAP;
    }
    return Math.min(Long.parseLong(digits), DELTA_SECONDS_CAP);
  }

  private Duration clamp(Duration lifetime) {
    if (lifetime.compareTo(min) < 0) {
      return min;
    }
    return lifetime.compareTo(max) > 0 ? max : lifetime;
  }
}
