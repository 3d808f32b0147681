package dev.mcpauth.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema's versioned migrations, shipped as {@code dev/mcpauth/store/jdbc/V<n>__<name>.sql}, and
 * the table {@code mcp_auth_schema_version} that records which have run. Each migration runs in one
 * transaction with its version row; on PostgreSQL, whose DDL is transactional, replicas starting at
 * once cannot both apply it: the second waits on the version row's key, then finds it applied.
 */
final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** In order; a released migration is never edited, only followed by a new one. */
  static final List<String> SCRIPTS = List.of("V1__create_tables.sql", "V2__upstream_tokens.sql",
      "V3__upstream_refresh_lease.sql", "V4__client_assertions.sql", "V5__rate_limit_buckets.sql",
      "V6__mcp_sessions.sql", "V7__login_sessions.sql");

  private Migrations() {}

  /** @return the schema version after migrating */
  static int migrate(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS mcp_auth_schema_version ("
          + "version INT PRIMARY KEY, script VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL)");
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      for (int i = 0; i < SCRIPTS.size(); i++) {
        int version = i + 1;
        if (applied(connection, version)) {
          continue;
        }
        try (PreparedStatement claim = connection.prepareStatement(
            "INSERT INTO mcp_auth_schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
          claim.setInt(1, version);
          claim.setString(2, SCRIPTS.get(i));
          claim.setLong(3, System.currentTimeMillis());
          claim.executeUpdate();
          try (Statement statement = connection.createStatement()) {
            for (String sql : statements(SCRIPTS.get(i))) {
              statement.execute(sql);
            }
          }
          connection.commit();
          LOG.info("mcp-auth schema migrated to version {} ({})", version, SCRIPTS.get(i));
        } catch (SQLException e) {
          connection.rollback();
          if (!applied(connection, version)) { // not another replica's doing: a real failure
            throw e;
          }
        }
      }
      return SCRIPTS.size();
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static boolean applied(Connection connection, int version) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM mcp_auth_schema_version WHERE version = ?")) {
      query.setInt(1, version);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** The script's statements: split at semicolons that end a line; comment lines dropped. */
  static List<String> statements(String script) {
    try (InputStream in = Migrations.class.getResourceAsStream(script)) {
      if (in == null) {
        throw new IllegalStateException("missing migration " + script);
      }
      StringBuilder sql = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.strip().startsWith("--")) {
          sql.append(line).append('\n');
        }
      }
      return java.util.Arrays.stream(sql.toString().split(";\\s*\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + script, e);
    }
  }
}
