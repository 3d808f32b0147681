package dev.mcpauth.store.jdbc;

import dev.mcpauth.store.ClientAssertionStore;
import dev.mcpauth.store.TokenHash;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;

/**
 * Used client assertions in {@code mcp_auth_client_assertion}, one row per assertion id until it
 * expires. On PostgreSQL one statement marks it ({@code INSERT … ON CONFLICT DO UPDATE … WHERE} the
 * row has expired): the conflicting row is locked and its expiry re-read, so of callers racing on a
 * new or an expired id exactly one changes a row. On H2 one transaction locks the row ({@code SELECT …
 * FOR UPDATE}) or inserts it, a concurrent insert losing on the primary key.
 */
final class JdbcClientAssertionStore implements ClientAssertionStore {
  private static final String UNIQUE_VIOLATION = "23505";

  private final Sql sql;
  private final Dialect dialect;
  private final Clock clock;

  JdbcClientAssertionStore(Sql sql, Dialect dialect, Clock clock) {
    this.sql = sql;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public boolean markUsed(TokenHash assertionId, Instant expiresAt) {
    long now = clock.millis();
    long until = expiresAt.toEpochMilli();
    if (dialect == Dialect.POSTGRESQL) {
      // Inserted, or the expired row replaced: one row changed. A live row: none, and it is kept as it is.
      return sql.update("INSERT INTO mcp_auth_client_assertion (assertion_hash, expires_at) VALUES (?, ?)"
          + " ON CONFLICT (assertion_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at"
          + " WHERE mcp_auth_client_assertion.expires_at <= ?", s -> {
            s.setString(1, assertionId.value());
            s.setLong(2, until);
            s.setLong(3, now);
          }) == 1;
    }
    return sql.transaction(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT expires_at FROM mcp_auth_client_assertion WHERE assertion_hash = ? FOR UPDATE")) {
        select.setString(1, assertionId.value());
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) {
            if (row.getLong(1) > now) {
              return false;
            }
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE mcp_auth_client_assertion SET expires_at = ? WHERE assertion_hash = ?")) {
              update.setLong(1, until);
              update.setString(2, assertionId.value());
              return update.executeUpdate() == 1;
            }
          }
        }
      }
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO mcp_auth_client_assertion (assertion_hash, expires_at) VALUES (?, ?)")) {
        insert.setString(1, assertionId.value());
        insert.setLong(2, until);
        return insert.executeUpdate() == 1;
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          return false; // another caller inserted it first
        }
        throw e;
      }
    });
  }
}
