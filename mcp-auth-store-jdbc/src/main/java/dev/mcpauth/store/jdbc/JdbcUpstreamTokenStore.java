package dev.mcpauth.store.jdbc;

import dev.mcpauth.store.UpstreamTokenStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Sealed upstream tokens in {@code mcp_auth_upstream_token}, one row per grant; refresh leases in
 * {@code mcp_auth_upstream_refresh_lease}, one row per grant being refreshed. A lease is taken by one
 * statement on PostgreSQL ({@code INSERT … ON CONFLICT DO UPDATE … WHERE} the held lease has lapsed),
 * and on H2 in one transaction that locks the row ({@code SELECT … FOR UPDATE}) or inserts it, a
 * concurrent insert losing on the primary key: either way one caller wins, on any number of servers.
 */
final class JdbcUpstreamTokenStore implements UpstreamTokenStore {
  private static final String UNIQUE_VIOLATION = "23505";

  private final Sql sql;
  private final Dialect dialect;
  private final Clock clock;

  JdbcUpstreamTokenStore(Sql sql, Dialect dialect, Clock clock) {
    this.sql = sql;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public void save(String grantId, String sealed, Instant expiresAt) {
    sql.update(dialect.upsertUpstreamToken(), s -> {
      s.setString(1, grantId);
      s.setString(2, sealed);
      s.setLong(3, expiresAt.toEpochMilli());
    });
  }

  @Override
  public Optional<String> find(String grantId) {
    return sql.queryOne("SELECT sealed FROM mcp_auth_upstream_token WHERE grant_id = ? AND expires_at > ?",
        s -> {
          s.setString(1, grantId);
          s.setLong(2, clock.millis());
        },
        row -> row.getString(1));
  }

  @Override
  public void delete(String grantId) {
    sql.update("DELETE FROM mcp_auth_upstream_token WHERE grant_id = ?", s -> s.setString(1, grantId));
  }

  @Override
  public boolean acquireRefreshLease(String grantId, String owner, Duration duration) {
    long now = clock.millis();
    long until = now + duration.toMillis();
    if (dialect == Dialect.POSTGRESQL) {
      // Inserted, or the lapsed lease replaced: one row changed. A live lease: none.
      return sql.update("INSERT INTO mcp_auth_upstream_refresh_lease (grant_id, holder, expires_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (grant_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at"
          + " WHERE mcp_auth_upstream_refresh_lease.expires_at <= ?", s -> {
            s.setString(1, grantId);
            s.setString(2, owner);
            s.setLong(3, until);
            s.setLong(4, now);
          }) == 1;
    }
    return sql.transaction(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT expires_at FROM mcp_auth_upstream_refresh_lease WHERE grant_id = ? FOR UPDATE")) {
        select.setString(1, grantId);
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) {
            if (row.getLong(1) > now) {
              return false;
            }
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE mcp_auth_upstream_refresh_lease SET holder = ?, expires_at = ? WHERE grant_id = ?")) {
              update.setString(1, owner);
              update.setLong(2, until);
              update.setString(3, grantId);
              return update.executeUpdate() == 1;
            }
          }
        }
      }
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO mcp_auth_upstream_refresh_lease (grant_id, holder, expires_at) VALUES (?, ?, ?)")) {
        insert.setString(1, grantId);
        insert.setString(2, owner);
        insert.setLong(3, until);
        return insert.executeUpdate() == 1;
      } catch (SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          return false; // another caller inserted it first
        }
        throw e;
      }
    });
  }

  @Override
  public void releaseRefreshLease(String grantId, String owner) {
    sql.update("DELETE FROM mcp_auth_upstream_refresh_lease WHERE grant_id = ? AND holder = ?", s -> {
      s.setString(1, grantId);
      s.setString(2, owner);
    });
  }
}
