package dev.mcpauth.store.jdbc;

import dev.mcpauth.client.Client;
import dev.mcpauth.store.ClientStore;
import dev.mcpauth.store.StoredJson;
import java.sql.Types;
import java.time.Clock;
import java.util.Optional;

/** Clients in {@code mcp_auth_client}; a lapsed registration is never returned. */
final class JdbcClientStore implements ClientStore {
  private final Sql sql;
  private final Dialect dialect;
  private final Clock clock;

  JdbcClientStore(Sql sql, Dialect dialect, Clock clock) {
    this.sql = sql;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public void save(Client client) {
    sql.update(dialect.upsertClient(), s -> {
      s.setString(1, client.clientId());
      s.setString(2, StoredJson.client(client));
      if (client.expiresAt() == null) {
        s.setNull(3, Types.BIGINT);
      } else {
        s.setLong(3, client.expiresAt().toEpochMilli());
      }
    });
  }

  @Override
  public Optional<Client> find(String clientId) {
    return sql.queryOne("SELECT document FROM mcp_auth_client WHERE client_id = ? AND (expires_at IS NULL OR expires_at > ?)",
        s -> {
          s.setString(1, clientId);
          s.setLong(2, clock.millis());
        },
        row -> StoredJson.client(row.getString(1)));
  }

  @Override
  public void delete(String clientId) {
    sql.update("DELETE FROM mcp_auth_client WHERE client_id = ?", s -> s.setString(1, clientId));
  }
}
