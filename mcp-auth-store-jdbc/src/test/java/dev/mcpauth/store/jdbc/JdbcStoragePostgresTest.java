package dev.mcpauth.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.StorageContract;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.store.Redemption;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.testing.TcpProxy;
import dev.mcpauth.token.StoredToken;
import dev.mcpauth.token.TokenKind;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The storage contract on a real PostgreSQL server, two store instances over it as two servers, each
 * with its own pool.
 * Needs {@code MCP_AUTH_TEST_POSTGRES_URL} (a JDBC URL with user and password), which {@code .ci/run}
 * sets after starting PostgreSQL; without it these tests are skipped.
 */
class JdbcStoragePostgresTest extends StorageContract {
  static final String URL_VARIABLE = "MCP_AUTH_TEST_POSTGRES_URL";

  private final Pools pools = new Pools();
  private DataSource dataSource;
  private Storage second;

  @Override
  protected Storage createStorage(MutableClock clock) {
    // Here, so that each test is reported as skipped with the reason.
    Assumptions.assumeTrue(System.getenv(URL_VARIABLE) != null,
        URL_VARIABLE + " is not set: start PostgreSQL and set it (e.g. jdbc:postgresql://127.0.0.1:5432/mcpauth"
            + "?user=mcpauth&password=…), as .ci/run does");
    dataSource = pools.open(System.getenv(URL_VARIABLE));
    Storage first = JdbcStorage.builder(dataSource).clock(clock).build();
    second = JdbcStorage.builder(pools.open(System.getenv(URL_VARIABLE))).clock(clock).build();
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
  @Timeout(60)
  void purgeWhenItWaitsOnAnExpiredAssertionBeingMarkedAgainThenTheNewMarkIsKept() throws Exception {
    PurgeRace.assertNewMarkSurvives((JdbcStorage) storage, second, dataSource, clock,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            + " AND query LIKE 'DELETE FROM mcp_auth_client_assertion %'");
  }

  @Test
  void databaseWhenUnreachableThenTemporarilyUnavailableAndBackWithNothingLost() throws Exception {
    java.net.URI target = java.net.URI.create(System.getenv(URL_VARIABLE).substring("jdbc:".length()));
    try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort() == -1 ? 5432 : target.getPort())) {
      String viaProxy = System.getenv(URL_VARIABLE).replace(target.getHost() + (target.getPort() == -1 ? "" : ":" + target.getPort()),
          "127.0.0.1:" + proxy.port());
      Storage store = JdbcStorage.builder(pools.open(viaProxy + "&connectTimeout=2&socketTimeout=5")).clock(clock).build();
      StoredToken token = new StoredToken(TokenHash.of("refresh-" + java.util.UUID.randomUUID()), TokenKind.REFRESH_TOKEN,
          "grant", "client", clock.instant(), clock.instant().plus(Duration.ofDays(1)));
      store.tokens().save(token);

      proxy.cut();
      Throwable thrown = catchThrowable(() -> store.tokens().consume(token.hash()));
      assertThat(thrown).isInstanceOf(OAuthException.class);
      OAuthException e = (OAuthException) thrown;
      assertThat(e.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
      assertThat(e.getMessage() + e.internalDetail()).doesNotContain(token.hash().value());

      proxy.restore();
      assertThat(store.tokens().consume(token.hash())).contains(new Redemption(token, true));
    }
  }
}
