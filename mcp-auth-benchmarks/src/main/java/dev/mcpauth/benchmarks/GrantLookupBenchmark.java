package dev.mcpauth.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.StoredJson;
import dev.mcpauth.token.Grant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whether a grant lookup (what every uncached token verification and every refresh does) stays flat
 * as the store grows from a thousand to a million grants. PostgreSQL is filled with one
 * {@code INSERT … SELECT FROM generate_series} of documents shaped as {@link StoredJson} writes them.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class GrantLookupBenchmark {
  @Param({"memory", "postgres"})
  public String store;

  @Param({"1000", "1000000"})
  public int grants;

  private BenchmarkStores.Open open;
  private Storage storage;

  @Setup
  public void setUp() throws Exception {
    open = BenchmarkStores.open(store);
    storage = open.storage();
    Grant template = grant("template");
    if (open.resources() instanceof HikariDataSource dataSource) {
      String document = StoredJson.grant(template).replace("\"template\"", "\"g' || n || '\"");
      try (Connection connection = dataSource.getConnection();
          PreparedStatement fill = connection.prepareStatement("INSERT INTO mcp_auth_grant (grant_id, document, expires_at)"
              + " SELECT 'g' || n, '" + document + "', ? FROM generate_series(0, ? - 1) AS n ON CONFLICT DO NOTHING")) {
        fill.setLong(1, template.expiresAt().toEpochMilli());
        fill.setInt(2, grants);
        fill.executeUpdate();
      }
    } else {
      for (int i = 0; i < grants; i++) {
        storage.grants().save(grant("g" + i));
      }
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    if (open.resources() instanceof HikariDataSource dataSource) {
      try (Connection connection = dataSource.getConnection()) {
        connection.createStatement().executeUpdate("DELETE FROM mcp_auth_grant WHERE grant_id LIKE 'g%'");
      }
    }
    open.close();
  }

  @Benchmark
  public Optional<Grant> find() {
    return storage.grants().find("g" + ThreadLocalRandom.current().nextInt(grants));
  }

  private static Grant grant(String id) {
    Instant now = Instant.now();
    return new Grant(id, "client-1", "alice", Set.of("mcp:read", "mcp:write"), BenchmarkClient.RESOURCE,
        BenchmarkClient.REDIRECT_URI, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", now, now.plusSeconds(90L * 86400));
  }
}
