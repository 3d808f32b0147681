package dev.mcpauth.store.jdbc;

import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.ThrottledLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one statement (auto-commit), or a consume's statements in one {@link #transaction}, on a
 * connection of its own, and turns every {@link SQLException} into {@code temporarily_unavailable}, as
 * the storage SPI asks. Thread-safe.
 */
final class Sql {
  private static final Logger LOG = LoggerFactory.getLogger(Sql.class);
  /** An outage fails every request: a line a minute, with a count, however many requests arrive. */
  private static final ThrottledLog THROTTLED = ThrottledLog.of(LOG);

  /** Sets a statement's parameters. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** Reads one row. */
  @FunctionalInterface
  interface Reader<T> {
    T read(ResultSet row) throws SQLException;
  }

  /** Work done on one connection inside one transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;

  Sql(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** @return the number of rows changed */
  int update(String sql, Binder binder) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  <T> Optional<T> queryOne(String sql, Binder binder, Reader<T> reader) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      binder.bind(statement);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(reader.read(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /**
   * Runs {@code work} in one transaction on one connection: committed whole, or rolled back whole if
   * any statement or the connection fails, so a failure leaves nothing half-written.
   */
  <T> T transaction(Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection);
        throw e;
      } finally {
        resetQuietly(connection, autoCommit);
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is gone; the database rolls back on its own
    }
  }

  private static void resetQuietly(Connection connection, boolean autoCommit) {
    try {
      connection.setAutoCommit(autoCommit);
    } catch (SQLException ignored) {
      // a broken connection; the pool discards it
    }
  }

  static OAuthException unavailable(SQLException e) {
    // SQL state and class only: a driver's message may quote parameter values.
    String detail = "database: SQLState " + e.getSQLState() + " (" + e.getClass().getSimpleName() + ")";
    THROTTLED.warn("The mcp-auth store is unavailable: {}", detail);
    return OAuthException.temporarilyUnavailable("The authorization server's store is unavailable", detail);
  }
}
