package dev.mcpauth.benchmarks;

import dev.mcpauth.http.EndpointResponse;
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
 * How many token pairs one server can issue: for a user's first authorization (authorize, approve,
 * exchange the code) and for a client that only refreshes. Both sign an access token (ES256) and
 * store a refresh token; the first also stores a pending authorization, a grant and a code.
 *
 * <p>The in-memory store keeps every grant and consumed token until it expires (codes after 60 s,
 * the rest after days), so it grows during a run; that is what a busy server's store does too.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class TokenIssuanceBenchmark {
  BenchmarkClient client;

  @Setup
  public void setUp() {
    client = BenchmarkClient.register(BenchmarkClient.serverBuilder().build());
  }

  /** A whole first login: start the authorization, approve it, exchange the code. */
  @Benchmark
  public EndpointResponse authorizeAndExchange() {
    return client.exchange(client.authorize());
  }

  /**
   * Refresh-token rotation alone. Includes reading the new refresh token out of the JSON response,
   * which the next call needs.
   */
  @Benchmark
  public String refresh(RefreshChain chain) {
    chain.refreshToken = BenchmarkClient.field(client.refresh(chain.refreshToken), "refresh_token");
    return chain.refreshToken;
  }

  /**
   * The latest refresh token of one grant, per thread: threads sharing one would present tokens
   * another thread had already rotated out, which the server treats as a replay and answers by
   * revoking the grant.
   */
  @State(Scope.Thread)
  public static class RefreshChain {
    String refreshToken;

    @Setup
    public void setUp(TokenIssuanceBenchmark benchmark) {
      BenchmarkClient client = benchmark.client;
      refreshToken = BenchmarkClient.field(client.exchange(client.authorize()), "refresh_token");
    }
  }
}
