package dev.mcpauth.benchmarks;

import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What verifying a bearer token costs a protected resource, which does it on every MCP request: a
 * token seen before (the cache path the verifier's Javadoc promises costs "a SHA-256 and a map
 * lookup"), a token never seen before (parse, ES256 signature, claims, grant lookup), and the
 * promised cost itself as a baseline.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class VerificationBenchmark {
  private TokenVerifier verifier;
  private String token;
  private ConcurrentHashMap<TokenHash, String> baseline;

  @Setup
  public void setUp() {
    AuthorizationServer server = BenchmarkClient.serverBuilder().build();
    BenchmarkClient client = BenchmarkClient.register(server);
    verifier = server.verifier(BenchmarkClient.RESOURCE);
    token = BenchmarkClient.field(client.exchange(client.authorize()), "access_token");
    verifier.verify(token); // now cached
    baseline = new ConcurrentHashMap<>();
    baseline.put(TokenHash.of(token), token);
  }

  /**
   * The same token again and again: the cache hit path. Once per revocation check interval (30 s)
   * the entry is re-verified in full, which is noise at this rate.
   */
  @Benchmark
  public VerifiedToken repeatedToken() {
    return verifier.verify(token);
  }

  /** A token this verifier has not verified before: the full, signature-checking path. */
  @Benchmark
  public VerifiedToken newToken(TokenPool pool, Cursor cursor) {
    return pool.verifier.verify(pool.tokens[cursor.next()]);
  }

  /** What the cache path is meant to cost: hash the token, look the hash up. */
  @Benchmark
  public String sha256PlusMapLookup() {
    return baseline.get(TokenHash.of(token));
  }

  /**
   * Distinct access tokens, and a verifier that remembers none of them but the last it verified.
   *
   * <p>A large pool alone would not do: with the default cache (10,000 entries) a 20,000-token
   * pool is revisited every 20,000 calls, and a full cache drops an eighth of its entries in hash
   * order, not the oldest, so an unknown share of revisits would hit. Never revisiting would need
   * more tokens than a run verifies. So this server's cache holds one entry: each verification
   * evicts the previous token's entry and caches its own, and consecutive tokens always differ, so
   * every call misses and takes the parse, signature, claims and grant path, plus the put and
   * eviction that a full cache pays on every miss anyway. The pool still matters: each call reads
   * token bytes that are not hot in the CPU caches, as a new token from the network would be.
   *
   * <p>Issued by the refresh grant (one ES256 signature each, no authorization round trip), so
   * setup takes a few seconds; only this benchmark pays for it.
   */
  @State(Scope.Benchmark)
  public static class TokenPool {
    static final int SIZE = 20_000;

    TokenVerifier verifier;
    String[] tokens;

    @Setup
    public void setUp() {
      AuthorizationServer server = BenchmarkClient.serverBuilder().verificationCacheSize(1).build();
      BenchmarkClient client = BenchmarkClient.register(server);
      verifier = server.verifier(BenchmarkClient.RESOURCE);
      tokens = new String[SIZE];
      String refreshToken =
          BenchmarkClient.field(client.exchange(client.authorize()), "refresh_token");
      for (int i = 0; i < SIZE; i++) {
        EndpointResponse response = client.refresh(refreshToken);
        tokens[i] = BenchmarkClient.field(response, "access_token");
        refreshToken = BenchmarkClient.field(response, "refresh_token");
      }
    }
  }

  /** Each thread walks the pool from its own random start, so threads seldom share a token. */
  @State(Scope.Thread)
  public static class Cursor {
    private int position;

    @Setup
    public void setUp() {
      position = ThreadLocalRandom.current().nextInt(TokenPool.SIZE);
    }

    int next() {
      position = position + 1 == TokenPool.SIZE ? 0 : position + 1;
      return position;
    }
  }
}
