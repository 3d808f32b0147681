package dev.mcpauth.store.jdbc;

import dev.mcpauth.authorization.PendingAuthorization;
import dev.mcpauth.store.PendingAuthorizationStore;
import dev.mcpauth.store.StoredJson;
import dev.mcpauth.store.TokenHash;
import java.time.Clock;
import java.util.Optional;

/**
 * Pending authorizations in {@code mcp_auth_pending_authorization}. {@link #consume} reads the row,
 * then deletes it: of concurrent consumers, on any number of servers, only the one whose DELETE
 * removes the row gets the request (the database's row lock decides).
 */
final class JdbcPendingAuthorizationStore implements PendingAuthorizationStore {
  private final Sql sql;
  private final Clock clock;

  JdbcPendingAuthorizationStore(Sql sql, Clock clock) {
    this.sql = sql;
    this.clock = clock;
  }

  @Override
  public void save(PendingAuthorization pending) {
    sql.update("INSERT INTO mcp_auth_pending_authorization (handle_hash, document, expires_at) VALUES (?, ?, ?)", s -> {
      s.setString(1, pending.handleHash().value());
      s.setString(2, StoredJson.pending(pending));
      s.setLong(3, pending.expiresAt().toEpochMilli());
    });
  }

  @Override
  public Optional<PendingAuthorization> find(TokenHash handleHash) {
    return sql.queryOne("SELECT document FROM mcp_auth_pending_authorization WHERE handle_hash = ? AND expires_at > ?",
        s -> {
          s.setString(1, handleHash.value());
          s.setLong(2, clock.millis());
        },
        row -> StoredJson.pending(row.getString(1)));
  }

  @Override
  public Optional<PendingAuthorization> consume(TokenHash handleHash) {
    Optional<PendingAuthorization> pending = find(handleHash);
    if (pending.isEmpty()) {
      return Optional.empty();
    }
    int deleted = sql.update("DELETE FROM mcp_auth_pending_authorization WHERE handle_hash = ?",
        s -> s.setString(1, handleHash.value()));
    return deleted == 1 ? pending : Optional.empty();
  }
}
