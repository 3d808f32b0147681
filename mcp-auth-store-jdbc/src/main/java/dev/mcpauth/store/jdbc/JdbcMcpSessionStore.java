package dev.mcpauth.store.jdbc;

import dev.mcpauth.store.McpSessionStore;
import dev.mcpauth.store.TokenHash;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** MCP session bindings in {@code mcp_auth_mcp_session}, one row per session id hash, replaced by a later save. */
final class JdbcMcpSessionStore implements McpSessionStore {
  private final Sql sql;
  private final Dialect dialect;
  private final Clock clock;

  JdbcMcpSessionStore(Sql sql, Dialect dialect, Clock clock) {
    this.sql = sql;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public void save(TokenHash sessionId, Owner owner, Instant expiresAt) {
    sql.update(dialect.upsertMcpSession(), s -> {
      s.setString(1, sessionId.value());
      s.setString(2, owner.subject());
      s.setString(3, owner.clientId());
      s.setLong(4, expiresAt.toEpochMilli());
    });
  }

  @Override
  public Optional<Binding> find(TokenHash sessionId) {
    return sql.queryOne("SELECT subject, client_id, expires_at FROM mcp_auth_mcp_session WHERE session_hash = ?"
            + " AND expires_at > ?",
        s -> {
          s.setString(1, sessionId.value());
          s.setLong(2, clock.millis());
        },
        row -> new Binding(new Owner(row.getString(1), row.getString(2)), Instant.ofEpochMilli(row.getLong(3))));
  }
}
