package dev.mcpauth.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 9111 §4.2 freshness lifetime, within the bounds 1 minute, 5 minutes (default), 24 hours. */
class FreshnessTest {
  private static final String DATE = "Thu, 01 Jan 2026 00:00:00 GMT";
  private static final Instant RECEIVED = Instant.parse("2026-01-01T00:00:10Z");
  private final Freshness freshness = new Freshness(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(24));

  @ParameterizedTest(name = "Cache-Control [{0}] Expires [{1}] Date [{2}] Age [{3}] -> {4}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "-                          | -                             | -    | -    | PT5M",
      "max-age=600                | -                             | -    | -    | PT10M",
      "public, max-age=3600       | -                             | -    | -    | PT1H",
      "MAX-AGE=600                | -                             | -    | -    | PT10M",
      "max-age=\"600\"            | -                             | -    | -    | PT10M",
      "max-age=600                | Thu, 01 Jan 2026 02:00:00 GMT | DATE | -    | PT10M",
      "max-age=600                | -                             | -    | 120  | PT8M",
      "max-age=600                | -                             | -    | junk | PT10M",
      "max-age=600                | -                             | -    | 9999 | PT1M",
      "max-age=0                  | -                             | -    | -    | PT1M",
      "max-age=10                 | -                             | -    | -    | PT1M",
      "no-store                   | -                             | -    | -    | PT1M",
      "no-cache                   | -                             | -    | -    | PT1M",
      "max-age=600, no-cache      | -                             | -    | -    | PT1M",
      "no-cache=\"Set-Cookie\", max-age=600 | -                   | -    | -    | PT1M",
      "max-age=600, max-age=900   | -                             | -    | -    | PT1M",
      "max-age=-5                 | -                             | -    | -    | PT1M",
      "max-age=ten                | -                             | -    | -    | PT1M",
      "max-age                    | -                             | -    | -    | PT1M",
      "max-age=31536000           | -                             | -    | -    | PT24H",
      "max-age=99999999999999999999999 | -                        | -    | -    | PT24H",
      "s-maxage=60                | -                             | -    | -    | PT5M",
      "-                          | Thu, 01 Jan 2026 02:00:00 GMT | DATE | -    | PT2H",
      "-                          | Thu, 01 Jan 2026 00:00:30 GMT | DATE | -    | PT1M",
      "-                          | Thu, 01 Jan 2026 00:00:00 GMT | DATE | -    | PT1M",
      "-                          | Wed, 31 Dec 2025 00:00:00 GMT | DATE | -    | PT1M",
      "-                          | 0                             | DATE | -    | PT1M",
      "-                          | Thu, 01 Jan 2026 02:00:00 GMT | -    | -    | PT1H59M50S",
      "-                          | Thu, 01 Jan 2026 02:00:00 GMT | junk | -    | PT1H59M50S",
      "-                          | Fri, 01 Jan 2027 00:00:00 GMT | DATE | -    | PT24H",
      "-                          | Thursday, 01-Jan-26 02:00:00 GMT | DATE | - | PT2H",
  })
  void ofFollowsTheHeadersWithinTheBounds(String cacheControl, String expires, String date, String age,
      Duration expected) {
    List<String> lines = cacheControl == null ? List.of() : List.of(cacheControl);
    String dateValue = "DATE".equals(date) ? DATE : date;
    assertThat(freshness.of(lines, expires, dateValue, age, RECEIVED)).isEqualTo(expected);
  }

  @Test
  void ofWhenDirectivesAreSplitOverFieldLinesThenReadsThemAll() {
    assertThat(freshness.of(List.of("public", "max-age=900"), null, null, null, RECEIVED)).isEqualTo(Duration.ofMinutes(15));
    assertThat(freshness.of(List.of("max-age=900", "no-store"), null, null, null, RECEIVED)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void newWhenBoundsAreOutOfOrderThenFails() {
    assertThatThrownBy(() -> new Freshness(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Freshness(Duration.ofMinutes(1), Duration.ofHours(2), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Freshness(Duration.ofSeconds(-1), Duration.ZERO, Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
