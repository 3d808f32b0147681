package dev.mcpauth.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The one statement the databases spell differently: insert-or-replace of a client. */
enum Dialect {
  POSTGRESQL("INSERT INTO mcp_auth_client (client_id, document, expires_at) VALUES (?, ?, ?)"
      + " ON CONFLICT (client_id) DO UPDATE SET document = EXCLUDED.document, expires_at = EXCLUDED.expires_at"),
  H2("MERGE INTO mcp_auth_client (client_id, document, expires_at) KEY (client_id) VALUES (?, ?, ?)");

  private final String upsertClient;

  Dialect(String upsertClient) {
    this.upsertClient = upsertClient;
  }

  String upsertClient() {
    return upsertClient;
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
