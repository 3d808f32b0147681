package dev.mcpauth.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;

/**
 * HikariCP pools for the store tests, as a deployment gives the store one (the example's settings): a
 * new database connection per call would cost a backend start and a password exchange each time.
 * Closes every pool it opened.
 */
final class Pools implements AutoCloseable {
  private final List<HikariDataSource> open = new ArrayList<>();

  HikariDataSource open(String jdbcUrl) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(8);
    // Longer than HikariCP's reconnect backoff (at most 5 s) plus a connect: once the database is back,
    // the next call gets a connection.
    config.setConnectionTimeout(8_000);
    HikariDataSource pool = new HikariDataSource(config);
    open.add(pool);
    return pool;
  }

  @Override
  public void close() {
    open.forEach(HikariDataSource::close);
    open.clear();
  }
}
