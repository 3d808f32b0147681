package dev.mcpauth.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.token.StoredToken;
import dev.mcpauth.token.TokenKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryStorageTest extends StorageContract {
  @Override
  protected Storage createStorage(MutableClock clock) {
    return new InMemoryStorage(clock);
  }

  @Test
  void tokensWhenManyExpireThenWritesPurgeThemWithoutASweep() {
    for (int i = 0; i < 1000; i++) {
      storage.tokens().save(new StoredToken(TokenHash.of("t" + i), TokenKind.AUTHORIZATION_CODE, "g", "c",
          clock.instant(), clock.instant().plus(Duration.ofSeconds(60))));
    }
    clock.advance(Duration.ofSeconds(61));

    for (int i = 0; i < 200; i++) {
      storage.tokens().save(new StoredToken(TokenHash.of("new" + i), TokenKind.AUTHORIZATION_CODE, "g", "c",
          clock.instant(), clock.instant().plus(Duration.ofSeconds(60))));
    }

    // Each write removes up to eight lapsed entries: 200 writes clear all 1000.
    assertThat(((InMemoryStorage) storage).entryCount()).isEqualTo(200);
    assertThat(storage.tokens().find(TokenHash.of("new0"))).isPresent();
  }
}
