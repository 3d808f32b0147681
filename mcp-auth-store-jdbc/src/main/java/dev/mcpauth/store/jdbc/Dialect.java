package dev.mcpauth.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The statements the databases spell differently: insert-or-replace. */
enum Dialect {
  POSTGRESQL("INSERT INTO %1$s (%2$s, %3$s, expires_at) VALUES (?, ?, ?)"
      + " ON CONFLICT (%2$s) DO UPDATE SET %3$s = EXCLUDED.%3$s, expires_at = EXCLUDED.expires_at"),
  H2("MERGE INTO %1$s (%2$s, %3$s, expires_at) KEY (%2$s) VALUES (?, ?, ?)");

  private final String upsert;

  Dialect(String upsert) {
    this.upsert = upsert;
  }

  String upsertClient() {
    return upsert("mcp_auth_client", "client_id", "document");
  }

  String upsertUpstreamToken() {
    return upsert("mcp_auth_upstream_token", "grant_id", "sealed");
  }

  /** Insert-or-replace of (session_hash, subject, client_id, expires_at). */
  String upsertMcpSession() {
    return this == POSTGRESQL
        ? "INSERT INTO mcp_auth_mcp_session (session_hash, subject, client_id, expires_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (session_hash) DO UPDATE SET subject = EXCLUDED.subject, client_id = EXCLUDED.client_id,"
            + " expires_at = EXCLUDED.expires_at"
        : "MERGE INTO mcp_auth_mcp_session (session_hash, subject, client_id, expires_at) KEY (session_hash)"
            + " VALUES (?, ?, ?, ?)";
  }

  /** Insert-or-replace of (session_hash, subject, signed_in_at, expires_at, remembered_consents). */
  String upsertLoginSession() {
    return this == POSTGRESQL
        ? "INSERT INTO mcp_auth_login_session (session_hash, subject, signed_in_at, expires_at, remembered_consents)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_hash) DO UPDATE SET subject = EXCLUDED.subject,"
            + " signed_in_at = EXCLUDED.signed_in_at, expires_at = EXCLUDED.expires_at,"
            + " remembered_consents = EXCLUDED.remembered_consents"
        : "MERGE INTO mcp_auth_login_session (session_hash, subject, signed_in_at, expires_at, remembered_consents)"
            + " KEY (session_hash) VALUES (?, ?, ?, ?, ?)";
  }

  /** Insert-or-replace of (key, value, expires_at) in {@code table}; names are constants, never input. */
  private String upsert(String table, String key, String value) {
    return String.format(upsert, table, key, value);
  }

  /** @throws IllegalStateException for a database other than PostgreSQL or H2 */
  static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgres")) {
      return POSTGRESQL;
    }
    if (product.equals("h2")) {
      return H2;
    }
    throw new IllegalStateException("mcp-auth's JDBC store supports PostgreSQL and H2, not " + product);
  }
}
