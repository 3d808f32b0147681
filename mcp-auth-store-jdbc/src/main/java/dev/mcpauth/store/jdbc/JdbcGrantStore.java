package dev.mcpauth.store.jdbc;

import dev.mcpauth.store.GrantStore;
import dev.mcpauth.store.StoredJson;
import dev.mcpauth.token.Grant;
import java.time.Clock;
import java.util.Optional;

/** Grants in {@code mcp_auth_grant}; revoking deletes the row, which revokes every token of the grant. */
final class JdbcGrantStore implements GrantStore {
  private final Sql sql;
  private final Clock clock;

  JdbcGrantStore(Sql sql, Clock clock) {
    this.sql = sql;
    this.clock = clock;
  }

  @Override
  public void save(Grant grant) {
    sql.update("INSERT INTO mcp_auth_grant (grant_id, document, expires_at) VALUES (?, ?, ?)", s -> {
      s.setString(1, grant.id());
      s.setString(2, StoredJson.grant(grant));
      s.setLong(3, grant.expiresAt().toEpochMilli());
    });
  }

  @Override
  public Optional<Grant> find(String grantId) {
    return sql.queryOne("SELECT document FROM mcp_auth_grant WHERE grant_id = ? AND expires_at > ?",
        s -> {
          s.setString(1, grantId);
          s.setLong(2, clock.millis());
        },
        row -> StoredJson.grant(row.getString(1)));
  }

  @Override
  public void revoke(String grantId) {
    sql.update("DELETE FROM mcp_auth_grant WHERE grant_id = ?", s -> s.setString(1, grantId));
  }
}
