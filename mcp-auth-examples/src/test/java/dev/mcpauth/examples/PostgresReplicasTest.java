package dev.mcpauth.examples;

import java.net.URI;

/** Replicas on PostgreSQL ({@code --store jdbc:postgresql://…}); needs {@code MCP_AUTH_TEST_POSTGRES_URL}. */
class PostgresReplicasTest extends SharedStoreReplicasContract {
  @Override
  protected String storeVariable() {
    return "MCP_AUTH_TEST_POSTGRES_URL";
  }

  @Override
  protected String store(URI address, String hostAndPort) {
    return "jdbc:postgresql://" + hostAndPort + address.getRawPath() + "?" + address.getRawQuery();
  }
}
