package dev.mcpauth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.store.Storage;
import dev.mcpauth.store.StorageContract;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.token.StoredToken;
import dev.mcpauth.token.TokenKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The storage contract on H2 in memory, with a second store instance over the same database as a second server. */
class JdbcStorageH2Test extends StorageContract {
  private final Pools pools = new Pools();
  private DataSource dataSource;
  private Storage second;

  @Override
  protected Storage createStorage(MutableClock clock) {
    dataSource = pools.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Storage first = JdbcStorage.builder(dataSource).clock(clock).build();
    second = JdbcStorage.builder(dataSource).clock(clock).build(); // migrates nothing: already done
    return first;
  }

  @AfterEach
  void closePools() {
    pools.close();
  }

  @Override
  protected Storage secondInstance() {
    return second;
  }

  @Test
  void purgeWhenRowsExpiredThenDeletedInBatchesAndLiveRowsKept() {
    for (int i = 0; i < 2500; i++) {
      storage.tokens().save(token("old-" + i, Duration.ofSeconds(60)));
    }
    storage.tokens().save(token("live", Duration.ofHours(1)));
    clock.advance(Duration.ofSeconds(61));

    assertThat(((JdbcStorage) storage).purgeExpired()).isEqualTo(2500);
    assertThat(storage.tokens().find(TokenHash.of("live"))).isPresent();
    assertThat(((JdbcStorage) storage).purgeExpired()).isZero();
  }

  @Test
  @Timeout(60)
  void purgeWhenItWaitsOnAnExpiredAssertionBeingMarkedAgainThenTheNewMarkIsKept() throws Exception {
    PurgeRace.assertNewMarkSurvives((JdbcStorage) storage, second, dataSource, clock,
        "SELECT count(*) FROM information_schema.sessions WHERE blocker_id IS NOT NULL"
            + " AND executing_statement LIKE 'DELETE FROM mcp_auth_client_assertion %'");
  }

  @Test
  void migrateWhenRunAgainThenNothingChanges() {
    assertThat(JdbcStorage.migrate(dataSource)).isEqualTo(Migrations.SCRIPTS.size());
    assertThat(JdbcStorage.migrate(dataSource)).isEqualTo(Migrations.SCRIPTS.size());
  }

  @Test
  void fileDatabaseWhenReopenedThenEverythingSurvives() throws Exception {
    Path directory = Files.createTempDirectory("mcp-auth-h2");
    String url = "jdbc:h2:file:" + directory.resolve("store").toAbsolutePath();
    StoredToken refresh = token("refresh", Duration.ofDays(30));
    try (Pools before = new Pools()) {
      JdbcStorage.builder(before.open(url)).clock(clock).build().tokens().save(refresh);
    }
    // Every connection closed: H2 closes the file; a new store opens it again.
    assertThat(JdbcStorage.builder(pools.open(url)).clock(clock).build().tokens().find(refresh.hash())).contains(refresh);
  }

  private StoredToken token(String value, Duration lifetime) {
    return new StoredToken(TokenHash.of(value), TokenKind.REFRESH_TOKEN, "grant", "client", clock.instant(),
        clock.instant().plus(lifetime));
  }
}
