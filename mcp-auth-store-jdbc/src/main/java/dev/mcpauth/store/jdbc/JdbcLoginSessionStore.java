package dev.mcpauth.store.jdbc;

import dev.mcpauth.store.LoginSessionStore;
import dev.mcpauth.store.TokenHash;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Login sessions in {@code mcp_auth_login_session}, one row per session id hash, replaced by a later save. */
final class JdbcLoginSessionStore implements LoginSessionStore {
  private final Sql sql;
  private final Dialect dialect;
  private final Clock clock;

  JdbcLoginSessionStore(Sql sql, Dialect dialect, Clock clock) {
    this.sql = sql;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public void save(TokenHash sessionId, LoginSession session) {
    sql.update(dialect.upsertLoginSession(), s -> {
      s.setString(1, sessionId.value());
      s.setString(2, session.subject());
      s.setLong(3, session.signedInAt().toEpochMilli());
      s.setLong(4, session.expiresAt().toEpochMilli());
      s.setString(5, String.join(",", session.rememberedConsents()));
    });
  }

  @Override
  public boolean replace(TokenHash sessionId, LoginSession session) {
    // An UPDATE of a live row only: a row deleted meanwhile (sign-out, revocation) stays deleted.
    return sql.update("UPDATE mcp_auth_login_session SET subject = ?, signed_in_at = ?, expires_at = ?,"
        + " remembered_consents = ? WHERE session_hash = ? AND expires_at > ?", s -> {
          s.setString(1, session.subject());
          s.setLong(2, session.signedInAt().toEpochMilli());
          s.setLong(3, session.expiresAt().toEpochMilli());
          s.setString(4, String.join(",", session.rememberedConsents()));
          s.setString(5, sessionId.value());
          s.setLong(6, clock.millis());
        }) == 1;
  }

  @Override
  public Optional<LoginSession> find(TokenHash sessionId) {
    return sql.queryOne("SELECT subject, signed_in_at, expires_at, remembered_consents FROM mcp_auth_login_session"
            + " WHERE session_hash = ? AND expires_at > ?",
        s -> {
          s.setString(1, sessionId.value());
          s.setLong(2, clock.millis());
        },
        row -> new LoginSession(row.getString(1), Instant.ofEpochMilli(row.getLong(2)),
            Instant.ofEpochMilli(row.getLong(3)), consents(row.getString(4))));
  }

  @Override
  public void delete(TokenHash sessionId) {
    sql.update("DELETE FROM mcp_auth_login_session WHERE session_hash = ?", s -> s.setString(1, sessionId.value()));
  }

  @Override
  public void deleteAllOf(String subject) {
    sql.update("DELETE FROM mcp_auth_login_session WHERE subject = ?", s -> s.setString(1, subject));
  }

  private static Set<String> consents(String joined) {
    return joined.isEmpty() ? Set.of() : Arrays.stream(joined.split(",")).collect(Collectors.toSet());
  }
}
