package dev.mcpauth.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.jdbc.JdbcStorage;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.store.redis.RedisStorage;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage {@code --store} names, and what it holds open: {@code memory}, {@code jdbc:<url>}
 * (PostgreSQL, or H2 such as {@code jdbc:h2:file:./mcp-auth}) through a HikariCP pool with a purge of
 * expired rows every minute, or {@code redis://host:port}.
 */
final class ExampleStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExampleStore.class);

  private final Storage storage;
  private final AutoCloseable resources;

  private ExampleStore(Storage storage, AutoCloseable resources) {
    this.storage = storage;
    this.resources = resources;
  }

  Storage storage() {
    return storage;
  }

  /** Whether replicas can share it, and so must share a signing key. */
  boolean shared() {
    return !(storage instanceof InMemoryStorage);
  }

  /** @throws IllegalStateException if the store cannot be opened, saying why */
  static ExampleStore open(String store, Clock clock) {
    if (store.equals("memory")) {
      return new ExampleStore(new InMemoryStorage(clock), () -> { });
    }
    if (store.startsWith("jdbc:")) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(store);
      config.setPoolName("mcp-auth");
      config.setMaximumPoolSize(16);
      // How long a request waits for a connection: 8 s, not 30, before an unreachable database gives
      // 503. Once a database has been lost, HikariCP retries it with a backoff that grows to 5 s; this
      // wait covers that and a connect (connectTimeout), so the first request after it is back succeeds.
      config.setConnectionTimeout(8_000);
      config.setInitializationFailTimeout(-1); // the store's own start-up check says what is wrong
      if (store.startsWith("jdbc:postgresql:")) {
        config.addDataSourceProperty("connectTimeout", "2");
        config.addDataSourceProperty("socketTimeout", "10");
      }
      HikariDataSource dataSource = new HikariDataSource(config);
      JdbcStorage storage;
      try {
        storage = JdbcStorage.builder(dataSource).clock(clock).build();
      } catch (RuntimeException e) {
        dataSource.close();
        throw e;
      }
      ScheduledExecutorService purge = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "mcp-auth-purge");
        thread.setDaemon(true);
        return thread;
      });
      purge.scheduleWithFixedDelay(() -> {
        try {
          int purged = storage.purgeExpired();
          LOG.debug("Purged {} expired rows", purged);
        } catch (RuntimeException e) {
          LOG.debug("Purge skipped: {}", e.getMessage());
        }
      }, 1, 1, TimeUnit.MINUTES);
      return new ExampleStore(storage, () -> {
        purge.shutdownNow();
        dataSource.close();
      });
    }
    if (store.startsWith("redis://") || store.startsWith("rediss://")) {
      RedisStorage storage = RedisStorage.connect(URI.create(store)).clock(clock).build();
      return new ExampleStore(storage, storage::close);
    }
    throw new IllegalArgumentException("--store takes memory, jdbc:<url> or redis://host:port");
  }

  @Override
  public void close() {
    try {
      resources.close();
    } catch (Exception e) {
      LOG.warn("Closing the store failed: {}", e.toString());
    }
  }
}
