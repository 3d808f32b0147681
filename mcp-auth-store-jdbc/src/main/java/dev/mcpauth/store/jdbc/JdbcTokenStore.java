package dev.mcpauth.store.jdbc;

import dev.mcpauth.store.Redemption;
import dev.mcpauth.store.StoredJson;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.store.TokenStore;
import dev.mcpauth.token.StoredToken;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Optional;

/**
 * Codes and refresh tokens in {@code mcp_auth_token}, by hash. {@link #consume} locks the row
 * ({@code SELECT … FOR UPDATE}) and marks it consumed in one transaction: of any number of
 * concurrent calls, on any number of servers, exactly one finds it unconsumed, and a failure
 * half-way rolls back, so a token is never spent without the caller learning it was its first use.
 */
final class JdbcTokenStore implements TokenStore {
  private final Sql sql;
  private final Clock clock;

  JdbcTokenStore(Sql sql, Clock clock) {
    this.sql = sql;
    this.clock = clock;
  }

  @Override
  public void save(StoredToken token) {
    sql.update("INSERT INTO mcp_auth_token (token_hash, document, consumed, expires_at) VALUES (?, ?, FALSE, ?)", s -> {
      s.setString(1, token.hash().value());
      s.setString(2, StoredJson.token(token));
      s.setLong(3, token.expiresAt().toEpochMilli());
    });
  }

  @Override
  public Optional<StoredToken> find(TokenHash hash) {
    return sql.queryOne("SELECT document FROM mcp_auth_token WHERE token_hash = ? AND consumed = FALSE AND expires_at > ?",
        s -> {
          s.setString(1, hash.value());
          s.setLong(2, clock.millis());
        },
        row -> StoredJson.token(row.getString(1)));
  }

  @Override
  public Optional<Redemption> consume(TokenHash hash) {
    long now = clock.millis();
    return sql.transaction(connection -> {
      String document;
      boolean consumed;
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT document, consumed FROM mcp_auth_token WHERE token_hash = ? AND expires_at > ? FOR UPDATE")) {
        select.setString(1, hash.value());
        select.setLong(2, now);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            return Optional.empty();
          }
          document = row.getString(1);
          consumed = row.getBoolean(2);
        }
      }
      if (!consumed) {
        try (PreparedStatement update = connection.prepareStatement(
            "UPDATE mcp_auth_token SET consumed = TRUE WHERE token_hash = ?")) {
          update.setString(1, hash.value());
          update.executeUpdate();
        }
      }
      return Optional.of(new Redemption(StoredJson.token(document), !consumed));
    });
  }
}
