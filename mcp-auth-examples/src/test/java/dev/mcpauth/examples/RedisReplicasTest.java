package dev.mcpauth.examples;

import java.net.URI;

/** Replicas on Redis ({@code --store redis://…}); needs {@code MCP_AUTH_TEST_REDIS_URL}. */
class RedisReplicasTest extends SharedStoreReplicasContract {
  @Override
  protected String storeVariable() {
    return "MCP_AUTH_TEST_REDIS_URL";
  }

  @Override
  protected String store(URI address, String hostAndPort) {
    return "redis://" + hostAndPort;
  }
}
