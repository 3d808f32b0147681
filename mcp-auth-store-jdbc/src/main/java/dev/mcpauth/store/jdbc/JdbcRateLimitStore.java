package dev.mcpauth.store.jdbc;

import dev.mcpauth.store.RateLimitStore;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Rate-limit buckets in {@code mcp_auth_rate_limit}, one row per bucket. A new bucket is one insert
 * that loses to a concurrent one on the primary key ({@code ON CONFLICT DO NOTHING} on PostgreSQL, a
 * caught unique violation on H2); a changed one is an {@code UPDATE … WHERE state = ?} of what was
 * read, so of replicas racing on one bucket exactly one changes it and the others read again.
 */
final class JdbcRateLimitStore implements RateLimitStore {
  private static final String UNIQUE_VIOLATION = "23505";

  private final Sql sql;
  private final Dialect dialect;

  JdbcRateLimitStore(Sql sql, Dialect dialect) {
    this.sql = sql;
    this.dialect = dialect;
  }

  @Override
  public Optional<byte[]> find(String key) {
    return sql.queryOne("SELECT state FROM mcp_auth_rate_limit WHERE bucket_key = ?", s -> s.setString(1, key),
        row -> Base64.getDecoder().decode(row.getString(1)));
  }

  @Override
  public boolean compareAndSet(String key, Optional<byte[]> expected, byte[] state, Instant expiresAt) {
    String encoded = Base64.getEncoder().encodeToString(state);
    if (expected.isPresent()) {
      return sql.update("UPDATE mcp_auth_rate_limit SET state = ?, expires_at = ? WHERE bucket_key = ? AND state = ?",
          s -> {
            s.setString(1, encoded);
            s.setLong(2, expiresAt.toEpochMilli());
            s.setString(3, key);
            s.setString(4, Base64.getEncoder().encodeToString(expected.get()));
          }) == 1;
    }
    if (dialect == Dialect.POSTGRESQL) {
      return sql.update("INSERT INTO mcp_auth_rate_limit (bucket_key, state, expires_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (bucket_key) DO NOTHING", s -> bindInsert(s, key, encoded, expiresAt)) == 1;
    }
    return sql.transaction(connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO mcp_auth_rate_limit (bucket_key, state, expires_at) VALUES (?, ?, ?)")) {
        bindInsert(insert, key, encoded, expiresAt);
        return insert.executeUpdate() == 1;
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          return false; // another replica made the bucket first
        }
        throw e;
      }
    });
  }

  private static void bindInsert(PreparedStatement statement, String key, String state, Instant expiresAt)
      throws SQLException {
    statement.setString(1, key);
    statement.setString(2, state);
    statement.setLong(3, expiresAt.toEpochMilli());
  }
}
