package dev.mcpauth.store.jdbc;

import dev.mcpauth.store.ClientAssertionStore;
import dev.mcpauth.store.ClientStore;
import dev.mcpauth.store.GrantStore;
import dev.mcpauth.store.LoginSessionStore;
import dev.mcpauth.store.McpSessionStore;
import dev.mcpauth.store.PendingAuthorizationStore;
import dev.mcpauth.store.RateLimitStore;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.TokenStore;
import dev.mcpauth.store.UpstreamTokenStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * mcp-auth's storage in a relational database through plain JDBC: PostgreSQL for several replicas
 * that share state, or H2 embedded (a file) for one machine whose data must survive restarts.
 *
 * <pre>{@code
 * Storage storage = JdbcStorage.builder(dataSource).build();   // migrates the schema on start
 * AuthorizationServer.builder()...storage(storage).build();
 * }</pre>
 *
 * <p>The schema ships in this jar as versioned migrations ({@code dev/mcpauth/store/jdbc/V1__...sql})
 * and is applied by {@link Builder#build()} unless {@link Builder#migrateOnStart(boolean)} is off;
 * {@link #migrate(DataSource)} applies it on its own (for a deployment step). Rows hold JSON
 * documents with hashes only. One-time use is decided by the database: a consume locks the row
 * ({@code SELECT … FOR UPDATE}) and marks or deletes it in one transaction, so it holds across threads
 * and across servers. Every call takes a connection of its own and is one statement, or, for a
 * consume (or, on H2, an upstream refresh lease or a used client assertion), one transaction; a
 * database that fails gives {@code temporarily_unavailable}, and a failure half-way rolls back.
 * Expired rows are never returned and are removed by {@link #purgeExpired()} in small batches, so no
 * long lock is held.
 *
 * <p>Give it a pooled {@link DataSource} (HikariCP or your container's) with connect and socket
 * timeouts, so an unreachable database fails fast, and a wait for a connection longer than the pool's
 * reconnect backoff (HikariCP's grows to 5 s) plus a connect, so the first call once the database is
 * back gets a connection. Thread-safe.
 */
public final class JdbcStorage implements Storage {
  private static final List<String> TABLES = List.of(
      "mcp_auth_client", "mcp_auth_pending_authorization", "mcp_auth_grant", "mcp_auth_token", "mcp_auth_upstream_token",
      "mcp_auth_upstream_refresh_lease", "mcp_auth_client_assertion", "mcp_auth_rate_limit", "mcp_auth_mcp_session",
      "mcp_auth_login_session");
  private static final List<String> KEYS = List.of("client_id", "handle_hash", "grant_id", "token_hash", "grant_id", "grant_id",
      "assertion_hash", "bucket_key", "session_hash", "session_hash");
  private static final int PURGE_BATCH = 1000;

  private final Sql sql;
  private final Clock clock;
  private final ClientStore clients;
  private final RateLimitStore rateLimits;
  private final PendingAuthorizationStore pending;
  private final GrantStore grants;
  private final TokenStore tokens;
  private final UpstreamTokenStore upstreamTokens;
  private final ClientAssertionStore clientAssertions;
  private final McpSessionStore mcpSessions;
  private final LoginSessionStore loginSessions;

  private JdbcStorage(DataSource dataSource, Dialect dialect, Clock clock) {
    this.sql = new Sql(dataSource);
    this.clock = clock;
    this.clients = new JdbcClientStore(sql, dialect, clock);
    this.pending = new JdbcPendingAuthorizationStore(sql, clock);
    this.grants = new JdbcGrantStore(sql, clock);
    this.tokens = new JdbcTokenStore(sql, clock);
    this.upstreamTokens = new JdbcUpstreamTokenStore(sql, dialect, clock);
    this.clientAssertions = new JdbcClientAssertionStore(sql, dialect, clock);
    this.rateLimits = new JdbcRateLimitStore(sql, dialect);
    this.mcpSessions = new JdbcMcpSessionStore(sql, dialect, clock);
    this.loginSessions = new JdbcLoginSessionStore(sql, dialect, clock);
  }

  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Applies the schema migrations that have not run yet.
   *
   * @return the schema version now
   * @throws IllegalStateException if the database cannot be reached or refuses a migration
   */
  public static int migrate(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      Dialect.of(connection);
      return Migrations.migrate(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot migrate the mcp-auth schema: SQLState " + e.getSQLState()
          + " (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public ClientStore clients() {
    return clients;
  }

  @Override
  public PendingAuthorizationStore pendingAuthorizations() {
    return pending;
  }

  @Override
  public GrantStore grants() {
    return grants;
  }

  @Override
  public TokenStore tokens() {
    return tokens;
  }

  @Override
  public ClientAssertionStore clientAssertions() {
    return clientAssertions;
  }

  @Override
  public McpSessionStore mcpSessions() {
    return mcpSessions;
  }

  @Override
  public Optional<LoginSessionStore> loginSessions() {
    return Optional.of(loginSessions);
  }

  @Override
  public UpstreamTokenStore upstreamTokens() {
    return upstreamTokens;
  }

  /** Shared by every replica on this database: a rate limit holds across them. */
  @Override
  public Optional<RateLimitStore> rateLimits() {
    return Optional.of(rateLimits);
  }

  /**
   * Deletes rows that have expired, {@value #PURGE_BATCH} at a time per statement, so that no
   * statement holds locks for long. Call it now and then (the example does every minute); reads
   * never return expired rows whether or not it has run.
   *
   * @return the number of rows deleted
   */
  public int purgeExpired() {
    long now = clock.millis();
    int total = 0;
    for (int i = 0; i < TABLES.size(); i++) {
      String table = TABLES.get(i);
      String key = KEYS.get(i);
      // expires_at checked again outside the subquery: a row re-marked or re-leased (its expiry moved on)
      // while the delete waited for its lock is re-read there and kept, not judged by the old version.
      String statement = "DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table
          + " WHERE expires_at <= ? FETCH FIRST " + PURGE_BATCH + " ROWS ONLY) AND expires_at <= ?";
      int deleted;
      do {
        deleted = sql.update(statement, s -> {
          s.setLong(1, now);
          s.setLong(2, now);
        });
        total += deleted;
      } while (deleted == PURGE_BATCH);
    }
    return total;
  }

  @Override
  public String toString() {
    return "JdbcStorage";
  }

  /** Not thread-safe; build once. */
  public static final class Builder {
    private final DataSource dataSource;
    private Clock clock = Clock.systemUTC();
    private boolean migrateOnStart = true;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The clock expiry is judged by; give the authorization server's. Default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Whether {@link #build()} applies the schema migrations. Default {@code true}. */
    public Builder migrateOnStart(boolean migrate) {
      this.migrateOnStart = migrate;
      return this;
    }

    /**
     * @throws IllegalStateException if the database cannot be reached, is neither PostgreSQL nor H2,
     *     or refuses a migration
     */
    public JdbcStorage build() {
      Dialect dialect;
      try (Connection connection = dataSource.getConnection()) {
        dialect = Dialect.of(connection);
        if (migrateOnStart) {
          Migrations.migrate(connection);
        }
      } catch (SQLException e) {
        throw new IllegalStateException("Cannot open the mcp-auth JDBC store: SQLState " + e.getSQLState()
            + " (" + e.getMessage() + ")", e);
      }
      return new JdbcStorage(dataSource, dialect, clock);
    }
  }
}
