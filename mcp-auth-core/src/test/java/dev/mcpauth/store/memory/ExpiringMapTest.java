package dev.mcpauth.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExpiringMapTest {
  private final MutableClock clock = MutableClock.atStart();
  private final ExpiringMap<String, String> map = new ExpiringMap<>(clock);

  @Test
  void putWhenOneKeyRenewedOftenThenTheExpiryIndexKeepsOneRecordForIt() {
    for (int i = 0; i < 1_000; i++) {
      clock.advance(Duration.ofSeconds(1));
      map.put("session", "value " + i, clock.instant().plus(Duration.ofHours(12)));
      map.replaceIfLive("session", "renewed " + i, clock.instant().plus(Duration.ofHours(12)));
    }

    assertThat(map.indexSize()).isEqualTo(1);
    assertThat(map.get("session")).contains("renewed 999");
  }

  @Test
  void replaceIfLiveWhenRemovedOrLapsedThenNothingWritten() {
    map.put("removed", "a", clock.instant().plus(Duration.ofMinutes(1)));
    map.remove("removed");
    map.put("lapsed", "b", clock.instant().plus(Duration.ofMinutes(1)));
    clock.advance(Duration.ofMinutes(2));

    assertThat(map.replaceIfLive("removed", "again", clock.instant().plus(Duration.ofHours(1)))).isFalse();
    assertThat(map.replaceIfLive("lapsed", "again", clock.instant().plus(Duration.ofHours(1)))).isFalse();
    assertThat(map.get("removed")).isEmpty();
    assertThat(map.get("lapsed")).isEmpty();
  }
}
