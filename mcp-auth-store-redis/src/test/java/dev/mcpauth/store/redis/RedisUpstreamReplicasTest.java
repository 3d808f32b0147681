package dev.mcpauth.store.redis;

import dev.mcpauth.store.Storage;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.upstream.UpstreamReplicasContract;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;

/**
 * Two replicas' upstream sessions on one real Redis, each with its own connection pool. Needs {@code
 * MCP_AUTH_TEST_REDIS_URL}; skipped without it.
 */
class RedisUpstreamReplicasTest extends UpstreamReplicasContract {
  private final String prefix = "mcp-auth-test:" + UUID.randomUUID() + ":";
  private final List<RedisStorage> open = new ArrayList<>();

  @Override
  protected Storage replica(MutableClock clock) {
    String url = System.getenv(RedisStorageTest.URL_VARIABLE);
    Assumptions.assumeTrue(url != null, RedisStorageTest.URL_VARIABLE + " is not set: start Redis and set it");
    RedisStorage storage = RedisStorage.connect(URI.create(url)).keyPrefix(prefix).clock(clock).build();
    open.add(storage);
    return storage;
  }

  @AfterEach
  void close() {
    open.forEach(RedisStorage::close);
  }
}
