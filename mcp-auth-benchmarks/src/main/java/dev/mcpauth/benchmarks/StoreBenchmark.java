package dev.mcpauth.benchmarks;

import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
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
 * What each store costs the two paths that touch it: a user's whole first authorization (a pending
 * authorization saved, found and consumed, a grant and a code saved, the code consumed, the grant
 * read, a refresh token saved; six to eight store calls) and the verification of an access token
 * not in the verifier's cache (signature, then one grant lookup). The databases run on this machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class StoreBenchmark {
  private static final int TOKENS = 2_000;

  @Param({"memory", "h2", "postgres", "redis"})
  public String store;

  private BenchmarkStores.Open open;
  private BenchmarkClient client;
  private TokenVerifier uncached;
  private String[] accessTokens;

  @Setup
  public void setUp() throws Exception {
    open = BenchmarkStores.open(store);
    AuthorizationServer server = BenchmarkClient.serverBuilder().storage(open.storage()).verificationCacheSize(1).build();
    client = BenchmarkClient.register(server);
    uncached = server.verifier(BenchmarkClient.RESOURCE);
    accessTokens = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      accessTokens[i] = BenchmarkClient.field(client.exchange(client.authorize()), "access_token");
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    open.close();
  }

  /** Authorize, approve, exchange the code: one user's first login. */
  @Benchmark
  public EndpointResponse authorizationFlow() {
    return client.exchange(client.authorize());
  }

  /** An access token the verifier has not cached: ES256 check and a grant lookup in the store. */
  @Benchmark
  public VerifiedToken verifyUncached() {
    return uncached.verify(accessTokens[ThreadLocalRandom.current().nextInt(TOKENS)]);
  }
}
