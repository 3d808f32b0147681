package dev.mcpauth.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.jdbc.JdbcStorage;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.store.redis.RedisStorage;
import java.net.URI;
import java.time.Clock;
import java.util.UUID;

/**
 * The stores the store benchmarks compare, by name: {@code memory}, {@code h2} (an H2 file in a temp
 * directory), {@code postgres} ({@code MCP_AUTH_BENCH_POSTGRES_URL}, a JDBC URL) and {@code redis}
 * ({@code MCP_AUTH_BENCH_REDIS_URL}). The JDBC ones go through a HikariCP pool, as a deployment would.
 */
final class BenchmarkStores {
  /** An open store and how to close it. */
  record Open(Storage storage, AutoCloseable resources) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      resources.close();
    }
  }

  private BenchmarkStores() {}

  static Open open(String name) throws Exception {
    return switch (name) {
      case "memory" -> new Open(new InMemoryStorage(Clock.systemUTC()), () -> { });
      case "h2" -> jdbc("jdbc:h2:file:" + System.getProperty("java.io.tmpdir") + "/mcp-auth-bench-" + UUID.randomUUID());
      case "postgres" -> jdbc(required("MCP_AUTH_BENCH_POSTGRES_URL"));
      case "redis" -> {
        RedisStorage redis = RedisStorage.connect(URI.create(required("MCP_AUTH_BENCH_REDIS_URL")))
            .keyPrefix("mcp-auth-bench:" + UUID.randomUUID() + ":").build();
        yield new Open(redis, redis::close);
      }
      default -> throw new IllegalArgumentException("unknown store " + name);
    };
  }

  private static Open jdbc(String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(8);
    HikariDataSource dataSource = new HikariDataSource(config);
    return new Open(JdbcStorage.builder(dataSource).build(), dataSource);
  }

  private static String required(String variable) {
    String value = System.getenv(variable);
    if (value == null) {
      throw new IllegalStateException(variable + " is not set; run with -p store=memory,h2 without that server");
    }
    return value;
  }
}
