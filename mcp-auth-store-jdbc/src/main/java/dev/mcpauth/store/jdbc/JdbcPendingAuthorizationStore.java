package dev.mcpauth.store.jdbc;

import dev.mcpauth.authorization.PendingAuthorization;
import dev.mcpauth.store.PendingAuthorizationStore;
import dev.mcpauth.store.StoredJson;
import dev.mcpauth.store.TokenHash;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Optional;

/**
 * Pending authorizations in {@code mcp_auth_pending_authorization}. {@link #consume} locks, reads
 * and deletes the row in one transaction: of concurrent consumers, on any number of servers, only
 * the one whose DELETE removes the row gets the request, and a failure half-way deletes nothing.
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
    long now = clock.millis();
    return sql.transaction(connection -> {
      String document;
      try (PreparedStatement select = connection.prepareStatement("SELECT document FROM mcp_auth_pending_authorization"
          + " WHERE handle_hash = ? AND expires_at > ? FOR UPDATE")) {
        select.setString(1, handleHash.value());
        select.setLong(2, now);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            return Optional.empty();
          }
          document = row.getString(1);
        }
      }
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM mcp_auth_pending_authorization WHERE handle_hash = ?")) {
        delete.setString(1, handleHash.value());
        return delete.executeUpdate() == 1 ? Optional.of(StoredJson.pending(document)) : Optional.empty();
      }
    });
  }
}
