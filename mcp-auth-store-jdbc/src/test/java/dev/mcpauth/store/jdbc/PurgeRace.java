package dev.mcpauth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.store.Storage;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.testing.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * A purge that picked an expired client assertion while another server marks it again: the delete
 * waits for the mark's row lock, and once the mark commits it must keep the row, whose expiry moved on.
 * The old purge judged the row by the expired version its subquery had read, deleted the new mark,
 * and so let a replay of the new assertion through.
 */
final class PurgeRace {
  private PurgeRace() {}

  /**
   * @param blockedDeletes a query counting this database's sessions whose {@code DELETE FROM
   *     mcp_auth_client_assertion} waits on a lock
   */
  static void assertNewMarkSurvives(JdbcStorage storage, Storage otherServer, DataSource dataSource, MutableClock clock,
      String blockedDeletes) throws Exception {
    TokenHash assertionId = TokenHash.of("assertion-" + UUID.randomUUID());
    storage.clientAssertions().markUsed(assertionId, clock.instant().plus(Duration.ofMinutes(5)));
    clock.advance(Duration.ofMinutes(6));
    Instant newExpiry = clock.instant().plus(Duration.ofMinutes(5));
    ExecutorService purger = Executors.newSingleThreadExecutor();
    try (Connection marking = dataSource.getConnection()) {
      marking.setAutoCommit(false); // marked again as markUsed does, and held uncommitted
      try (PreparedStatement update = marking.prepareStatement(
          "UPDATE mcp_auth_client_assertion SET expires_at = ? WHERE assertion_hash = ?")) {
        update.setLong(1, newExpiry.toEpochMilli());
        update.setString(2, assertionId.value());
        assertThat(update.executeUpdate()).isEqualTo(1);
      }
      Future<Integer> purge = purger.submit(storage::purgeExpired);
      awaitOne(dataSource, blockedDeletes);

      marking.commit();
      purge.get();
    } finally {
      purger.shutdownNow();
    }

    assertThat(otherServer.clientAssertions().markUsed(assertionId, newExpiry)).as("the new mark was kept").isFalse();
  }

  /** Polls: a session waiting on a lock signals nothing a test could wait on. */
  private static void awaitOne(DataSource dataSource, String count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (Connection observer = dataSource.getConnection();
        PreparedStatement query = observer.prepareStatement(count)) {
      while (true) {
        try (ResultSet row = query.executeQuery()) {
          row.next();
          if (row.getInt(1) > 0) {
            return;
          }
        }
        assertThat(System.nanoTime() - deadline).as("the purge never waited on the row's lock").isNegative();
        TimeUnit.MILLISECONDS.sleep(10);
      }
    }
  }
}
