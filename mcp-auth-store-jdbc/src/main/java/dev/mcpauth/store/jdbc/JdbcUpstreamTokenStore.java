package dev.mcpauth.store.jdbc;

import dev.mcpauth.store.UpstreamTokenStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Sealed upstream tokens in {@code mcp_auth_upstream_token}, one row per grant. */
final class JdbcUpstreamTokenStore implements UpstreamTokenStore {
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
}
