package dev.mcpauth.store.jdbc;

import dev.mcpauth.store.Storage;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.upstream.UpstreamReplicasContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;

/**
 * Two replicas' upstream sessions on one real PostgreSQL, each with its own pool. Needs {@code
 * MCP_AUTH_TEST_POSTGRES_URL}; skipped without it.
 */
class JdbcUpstreamReplicasPostgresTest extends UpstreamReplicasContract {
  private final Pools pools = new Pools();

  @Override
  protected Storage replica(MutableClock clock) {
    String url = System.getenv(JdbcStoragePostgresTest.URL_VARIABLE);
    Assumptions.assumeTrue(url != null, JdbcStoragePostgresTest.URL_VARIABLE + " is not set: start PostgreSQL and set it");
    return JdbcStorage.builder(pools.open(url)).clock(clock).build();
  }

  @AfterEach
  void closePools() {
    pools.close();
  }
}
