package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.mcpauth.testing.TcpProxy;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two example servers in separate JVMs on different ports, one issuer (the public host a load
 * balancer would serve), one shared store, one signing key: what a deployment with several
 * replicas relies on. The replicas reach the store through a {@link TcpProxy}, so a test can take
 * the store away and give it back. The replicas start once for the class. Subclasses name the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedStoreReplicasContract {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The bound on seeing another replica's revocation, as configured with --revocation-check-interval. */
  private static final Duration REVOCATION_CHECK_INTERVAL = Duration.ofSeconds(2);

  private TcpProxy storeProxy;
  private Path signingKey;
  private PublicHost host;
  private int portA;
  private int portB;
  private ExampleProcess a;
  private ExampleProcess b;

  /** The environment variable with the store's address; the tests are skipped without it. */
  protected abstract String storeVariable();

  /** The {@code --store} value for a store reached at {@code host:port}. */
  protected abstract String store(URI address, String hostAndPort);

  @BeforeEach
  void needsTheStore() {
    // Per test, so that each is reported as skipped, with the reason.
    Assumptions.assumeTrue(System.getenv(storeVariable()) != null,
        storeVariable() + " is not set: start the store and set it, as .ci/run does");
  }

  @BeforeAll
  void startReplicas() throws Exception {
    String address = System.getenv(storeVariable());
    if (address == null) {
      return;
    }
    URI uri = URI.create(address.startsWith("jdbc:") ? address.substring("jdbc:".length()) : address);
    storeProxy = new TcpProxy(uri.getHost(), uri.getPort());
    signingKey = Files.createTempFile("mcp-auth-signing", ".jwk");
    Files.writeString(signingKey, new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate().toJSONString());
    host = new PublicHost("localhost:" + freePort());
    portA = freePort();
    portB = freePort();
    a = replica(portA);
    b = replica(portB);
  }

  @AfterAll
  void stopReplicas() throws Exception {
    for (AutoCloseable closeable : new AutoCloseable[] {a, b, storeProxy}) {
      if (closeable != null) {
        closeable.close();
      }
    }
    if (signingKey != null) {
      Files.deleteIfExists(signingKey);
    }
  }

  private ExampleProcess replica(int port) throws Exception {
    return ExampleProcess.start("--port", String.valueOf(port), "--base-url", host.baseUrl(),
        "--store", store(URI.create(System.getenv(storeVariable()).replaceFirst("^jdbc:", "")), "127.0.0.1:" + storeProxy.port()),
        "--signing-key", signingKey.toString(), "--user", "alice:wonderland", "--trusted-proxy", "127.0.0.0/8",
        "--revocation-check-interval", String.valueOf(REVOCATION_CHECK_INTERVAL.toSeconds()));
  }

  /** A user's tokens: registered on A, authorization page on A, consent on B, code exchanged on A. */
  private JsonNode tokens(String clientId) throws Exception {
    String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    String code = host.authorize(clientId, verifier, "mcp:read", portA, portB);
    return host.exchange(portA, clientId, code, verifier);
  }

  @Test
  void flowStartedOnOneReplicaWhenFinishedOnTheOtherThenTokensWorkOnBoth() throws Exception {
    String clientId = host.register(portA);
    JsonNode tokens = tokens(clientId);
    assertThat(tokens.get("refresh_token").asText()).isNotBlank();
    String accessToken = tokens.get("access_token").asText();
    assertThat(host.whoami(portB, accessToken)).as("A's token on B").isEqualTo(200);
    assertThat(host.whoami(portA, accessToken)).isEqualTo(200);
  }

  @Test
  void refreshOnOneReplicaWhenReplayedOnTheOtherThenTheGrantIsRevokedEverywhere() throws Exception {
    String clientId = host.register(portB);
    JsonNode first = tokens(clientId);
    JsonNode rotated = PublicHost.tokens(host.refresh(portB, clientId, first.get("refresh_token").asText()));
    HttpResponse<String> replay = host.refresh(portA, clientId, first.get("refresh_token").asText());
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(replay.body()).get("error").asText()).isEqualTo("invalid_grant");
    assertThat(host.refresh(portA, clientId, rotated.get("refresh_token").asText()).statusCode())
        .as("the replay revoked the grant").isEqualTo(400);
  }

  @Test
  void sameRefreshTokenWhenSentToBothReplicasAtOnceThenNeverBothSucceed() throws Exception {
    String clientId = host.register(portA);
    for (int round = 0; round < 5; round++) {
      String refreshToken = tokens(clientId).get("refresh_token").asText();
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Integer>> calls = List.of(portA, portB).stream()
          .map(port -> CompletableFuture.supplyAsync(() -> {
            try {
              go.await();
              return host.refresh(port, clientId, refreshToken).statusCode();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }))
          .toList();
      go.countDown();
      List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
      // One use wins at most. The other is a replay, which revokes the grant; if it lands before the
      // winner has read the grant, neither succeeds. Never two.
      assertThat(statuses.stream().filter(status -> status == 200).count()).as("round %d: %s", round, statuses)
          .isLessThanOrEqualTo(1);
      assertThat(statuses).as("round %d", round).containsAnyOf(400).allMatch(status -> status == 200 || status == 400);
    }
  }

  @Test
  void revocationOnOneReplicaWhenTheOtherCachedTheTokenThenSeenWithinTheCheckInterval() throws Exception {
    String clientId = host.register(portA);
    String accessToken = tokens(clientId).get("access_token").asText();
    assertThat(host.whoami(portB, accessToken)).isEqualTo(200); // B has verified and cached it
    HttpResponse<String> revoked = host.form(portA, "/revoke", Map.of("token", accessToken, "client_id", clientId));
    assertThat(revoked.statusCode()).isEqualTo(200);
    Instant revokedAt = Instant.now();
    assertThat(host.whoami(portA, accessToken)).as("at once on the replica that revoked").isEqualTo(401);

    // B trusts its cached check for the interval, then asks the store: a call made after that is refused,
    // however long calls take on this machine.
    Instant trustedUntil = revokedAt.plus(REVOCATION_CHECK_INTERVAL);
    while (true) {
      Instant askedAt = Instant.now();
      if (host.whoami(portB, accessToken) == 401) {
        break;
      }
      assertThat(askedAt).as("B accepted the revoked token in a call made %s after the revocation",
          Duration.between(revokedAt, askedAt)).isBefore(trustedUntil);
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  @Test
  void storeDownWhenCalledThen503WithRetryAfterAndEverythingWorksOnceItIsBack() throws Exception {
    String clientId = host.register(portA);
    JsonNode tokens = tokens(clientId);
    String refreshToken = tokens.get("refresh_token").asText();
    String neverVerified = tokens.get("access_token").asText();

    storeProxy.cut();
    HttpResponse<String> refresh = host.refresh(portA, clientId, refreshToken);
    Instant refusedAt = Instant.now();
    assertThat(refresh.statusCode()).isEqualTo(503);
    assertThat(refresh.headers().firstValue("Retry-After")).isPresent();
    assertThat(JSON.readTree(refresh.body()).get("error").asText()).isEqualTo("temporarily_unavailable");
    HttpResponse<String> register = host.send(portB, "POST", "/register", "application/json",
        "{\"redirect_uris\":[\"" + PublicHost.REDIRECT_URI + "\"],\"token_endpoint_auth_method\":\"none\"}", Map.of());
    assertThat(register.statusCode()).isEqualTo(503);
    HttpResponse<String> page = host.send(portB, "GET", "/authorize?response_type=code&client_id=" + clientId, null, null,
        Map.of());
    assertThat(page.statusCode()).isEqualTo(503);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(host.whoami(portB, neverVerified)).as("cannot check the grant").isEqualTo(503);

    storeProxy.restore();
    // The client retries once Retry-After has passed (RFC 9110 §10.2.3), on either replica, and that
    // first retry succeeds: the store is back, and the failed attempt did not spend the refresh token.
    awaitRetryAfter(refresh, refusedAt);
    JsonNode after = PublicHost.tokens(host.refresh(portB, clientId, refreshToken));
    assertThat(host.whoami(portA, after.get("access_token").asText())).isEqualTo(200);
  }

  /** Waits, as a client does, until the delay in seconds that a 503's {@code Retry-After} asks for has passed. */
  private static void awaitRetryAfter(HttpResponse<String> refused, Instant refusedAt) throws InterruptedException {
    Instant retryAt = refusedAt.plusSeconds(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()));
    Duration left = Duration.between(Instant.now(), retryAt);
    if (!left.isNegative()) {
      TimeUnit.MILLISECONDS.sleep(left.toMillis() + 1);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 5, unit = TimeUnit.MINUTES)
  void registrationsFromOneAddressWhenSpreadOverBothReplicasThenOneLimitHoldsAcrossThem() throws Exception {
    // A fresh address each run (the load balancer, trusted, names it): the store keeps buckets for hours.
    java.util.Random random = new java.util.Random();
    String address = String.format("2001:db8:%x:%x::1", random.nextInt(0x10000), random.nextInt(0x10000));
    int accepted = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 1_300 && refused == null; i++) {
      HttpResponse<String> response = host.send(i % 2 == 0 ? portA : portB, "POST", "/register", "application/json",
          "{\"redirect_uris\":[\"http://127.0.0.1:9/cb\"],\"token_endpoint_auth_method\":\"none\"}",
          Map.of("X-Forwarded-For", address));
      if (response.statusCode() == 201) {
        accepted++;
      } else {
        refused = response;
      }
    }

    // The default 600 per hour for both together (counted per replica, it would be 1,200); at most
    // 50 more refill within the test's 5 minutes.
    assertThat(refused).as("a refusal").isNotNull();
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(accepted).isBetween(600, 650);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    for (int port : new int[] {portA, portB}) {
      assertThat(host.send(port, "POST", "/register", "application/json", "{\"redirect_uris\":[\"http://127.0.0.1:9/cb\"]}",
          Map.of("X-Forwarded-For", address)).statusCode()).isEqualTo(429);
    }
  }

  @Test
  void bothReplicasWhenRestartedThenClientsGrantsAndRefreshTokensSurvive() throws Exception {
    String clientId = host.register(portA);
    String refreshToken = tokens(clientId).get("refresh_token").asText();
    a.close();
    b.close();
    a = replica(portA);
    b = replica(portB);

    JsonNode refreshed = PublicHost.tokens(host.refresh(portB, clientId, refreshToken));
    assertThat(host.whoami(portA, refreshed.get("access_token").asText())).isEqualTo(200);
    assertThat(tokens(clientId).get("access_token").asText()).as("the client is still registered").isNotBlank();
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
