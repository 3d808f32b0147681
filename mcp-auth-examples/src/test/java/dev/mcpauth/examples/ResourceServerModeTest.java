package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpauth.resource.ResourceServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The example as a resource server ({@code --authorization-server}) for a real authorization server
 * in its own JVM (mock-oauth2-server, see {@link MockIssuer}): its JWTs verified against its JWKS,
 * or every token introspected; audience and expiry enforced; the issuer stopped, its key rotated
 * from RS256 to ES256, and started again, with no restart of the resource server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES) // Node clients get up to 4 min each (NodeProcess); some tests run several
class ResourceServerModeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Short intervals so that recovery and rotation show within seconds. */
  private static final UnaryOperator<ResourceServer.Builder> QUICK = builder -> builder
      .jwksRefreshMinInterval(Duration.ofMillis(200))
      .discoveryRetryInterval(Duration.ofMillis(200));

  private static MockIssuer issuer;
  private static final List<ExampleServer> servers = new ArrayList<>();
  private static ExampleServer jwt;
  private static ExampleServer introspecting;

  @BeforeAll
  static void start() throws Exception {
    int port = freePort();
    String resource = "http://localhost:" + port + "/mcp";
    issuer = new MockIssuer(freePort(), resource).start("RS256");
    jwt = server(port, QUICK);
  }

  @AfterAll
  static void stop() throws Exception {
    servers.forEach(ExampleServer::close);
    issuer.close();
  }

  @Test
  @Order(1)
  void protectedResourceMetadataWhenReadThenNamesTheExternalAuthorizationServer() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(jwt.baseUrl() + "/.well-known/oauth-protected-resource/mcp")).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode document = JSON.readTree(response.body());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(document.get("resource").asText()).isEqualTo(jwt.mcpEndpoint().toString());
    assertThat(document.get("authorization_servers")).extracting(JsonNode::asText).containsExactly(issuer.issuer());
    assertThat(document.get("scopes_supported")).extracting(JsonNode::asText).containsExactly("mcp:read", "mcp:write");
    // The embedded authorization server is off: no token endpoint here.
    HttpResponse<String> token = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(jwt.baseUrl() + "/token"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).isNotEqualTo(200);
  }

  @Test
  @Order(2)
  void issuersTokenWhenCallingToolThenToolSeesTheVerifiedCaller() throws Exception {
    McpHttp.Answer answer = McpHttp.callTool(jwt.mcpEndpoint(), issuer.token("claude", "mcp:read"), "whoami", "{}");
    assertThat(answer.status()).isEqualTo(200);
    JsonNode caller = JSON.readTree(McpHttp.text(answer));
    assertThat(caller.get("subject").asText()).isEqualTo("alice");
    assertThat(caller.get("client_id").asText()).isEqualTo("claude");
    assertThat(caller.get("scopes")).extracting(JsonNode::asText).containsExactly("mcp:read");
    assertThat(caller.get("client_token").asBoolean()).isFalse();
  }

  @Test
  @Order(2)
  void machineClientsOwnTokenWhenCallingToolThenToolSeesAClientToken() throws Exception {
    McpHttp.Answer answer = McpHttp.callTool(jwt.mcpEndpoint(), issuer.token(MockIssuer.MACHINE_CLIENT, "mcp:read"),
        "whoami", "{}");

    assertThat(answer.status()).isEqualTo(200);
    JsonNode caller = JSON.readTree(McpHttp.text(answer));
    assertThat(caller.get("subject").asText()).isEqualTo(MockIssuer.MACHINE_CLIENT);
    assertThat(caller.get("client_id").asText()).isEqualTo(MockIssuer.MACHINE_CLIENT);
    assertThat(caller.get("client_token").asBoolean()).isTrue();
  }

  @Test
  @Order(3)
  void noTokenOrBadTokensWhenCallingThenChallengedLikeEmbeddedMode() throws Exception {
    String metadata = "resource_metadata=\"" + jwt.baseUrl() + "/.well-known/oauth-protected-resource/mcp\"";
    McpHttp.Answer none = McpHttp.callTool(jwt.mcpEndpoint(), null, "whoami", "{}");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.challenge()).startsWith("Bearer ").contains(metadata).contains("scope=\"mcp:read\"").doesNotContain("error=");

    McpHttp.Answer otherAudience = McpHttp.callTool(jwt.mcpEndpoint(), issuer.token("other-audience", "mcp:read"), "whoami", "{}");
    assertThat(otherAudience.status()).isEqualTo(401);
    assertThat(otherAudience.challenge()).contains(metadata).contains("error=\"invalid_token\"").contains("another resource");

    McpHttp.Answer garbage = McpHttp.callTool(jwt.mcpEndpoint(), "not-a-jwt", "whoami", "{}");
    assertThat(garbage.status()).isEqualTo(401);
    assertThat(garbage.challenge()).contains("error=\"invalid_token\"");
  }

  @Test
  @Order(3)
  void tokensSignedByKeysTheIssuerDoesNotPublishWhenPresentedThen401NotAnOutage() throws Exception {
    // More unknown key ids than the JWKS refetch limit allows fetches for (two per 200 ms here), sent at once.
    RSAKey key = new RSAKeyGenerator(2048).generate();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("unknown-" + i).build(),
          new JWTClaimsSet.Builder().issuer(issuer.issuer()).subject("root").audience(jwt.mcpEndpoint().toString())
              .claim("scope", "mcp:read mcp:write").expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
      token.sign(new RSASSASigner(key));
      tokens.add(token.serialize());
    }
    List<McpHttp.Answer> answers = new ArrayList<>();
    for (String token : tokens) {
      answers.add(McpHttp.post(jwt.mcpEndpoint(), token, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    }
    for (McpHttp.Answer answer : answers) {
      assertThat(answer.status()).as(answer.challenge()).isEqualTo(401);
      assertThat(answer.challenge()).contains("error=\"invalid_token\"");
      assertThat(answer.retryAfter()).isNull();
    }
  }

  @Test
  @Order(4)
  void expiredTokenWhenPresentedThenRefused() throws Exception {
    String token = issuer.token("claude", "mcp:read"); // valid for 5 minutes
    // The same token, seen by a resource server whose clock is 10 minutes ahead.
    ExampleServer later = server(freePort(), b -> QUICK.apply(b).clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10))),
        "--accept-audience", jwt.mcpEndpoint().toString());
    McpHttp.Answer expired = McpHttp.callTool(later.mcpEndpoint(), token, "whoami", "{}");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.challenge()).contains("error=\"invalid_token\"").contains("expired");
    assertThat(McpHttp.callTool(jwt.mcpEndpoint(), token, "whoami", "{}").status()).isEqualTo(200);
  }

  @Test
  @Order(5)
  void tooLittleScopeWhenCallingWriteToolThen403NamesEveryScopeNeeded() throws Exception {
    McpHttp.Answer answer = McpHttp.callTool(jwt.mcpEndpoint(), issuer.token("claude", "mcp:read"), "write_note",
        "{\"text\":\"hi\"}");
    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.challenge()).contains("error=\"insufficient_scope\"").contains("scope=\"mcp:read mcp:write\"")
        .contains("resource_metadata=");

    McpHttp.Answer enough = McpHttp.callTool(jwt.mcpEndpoint(), issuer.token("claude", "mcp:read mcp:write"), "write_note",
        "{\"text\":\"hi\"}");
    assertThat(enough.status()).isEqualTo(200);
    assertThat(McpHttp.text(enough)).isEqualTo("Saved a note for alice: hi");
  }

  @Test
  @Order(6)
  void officialTypeScriptClientWhenConnectingThenCompletesTheFlowThroughTheExternalAuthorizationServer() throws Exception {
    // A client registered at the identity provider beforehand (it has no dynamic registration); the
    // user signs in on its login form.
    NodeProcess.Result result = NodeProcess.node(180, "ts-client-flow.mjs", jwt.mcpEndpoint().toString(), "alice", "",
        "{\"clientId\":\"mcp-e2e-client\",\"login\":\"mock-oauth2-server\"}");
    JsonNode report = JSON.readTree(result.lastLine());
    assertThat(report.path("ok").asBoolean()).as(result.stdout() + result.stderr()).isTrue();

    List<String> exchanges = ClientReport.exchanges(report);
    String issuerPath = "/" + MockIssuer.ISSUER_ID;
    assertThat(exchanges).containsSubsequence(
        "POST /mcp 401",
        "GET /.well-known/oauth-protected-resource/mcp 200",
        "GET " + issuerPath + "/authorize 200",
        "POST " + issuerPath + "/authorize 302",
        "POST " + issuerPath + "/token 200",
        "POST /mcp 200");
    assertThat(exchanges).noneMatch(e -> e.contains("/register"));
        assertThat(ClientReport.step(report, "authorize").get("resource").asText()).isEqualTo(jwt.mcpEndpoint().toString());
    assertThat(ClientReport.step(report, "tools/list").get("tools")).extracting(JsonNode::asText).containsExactly("whoami", "write_note");
    assertThat(ClientReport.step(report, "whoami").get("subject").asText()).isEqualTo("alice");
    assertThat(ClientReport.step(report, "whoami").get("client_id").asText()).isEqualTo("mcp-e2e-client");
    assertThat(ClientReport.step(report, "refresh").get("subject").asText()).as("refreshed at the issuer after a 401").isEqualTo("alice");
    assertThat(exchanges).contains("POST /mcp 403");
    assertThat(ClientReport.step(report, "step-up").get("scope").asText()).isEqualTo("mcp:read mcp:write");
    assertThat(ClientReport.step(report, "write_note").get("text").asText()).isEqualTo("Saved a note for alice: hello");
  }


  @Test
  @Order(7)
  void introspectionModeWhenIssuerVouchesThenAcceptedAndInactiveOrForeignRefused() throws Exception {
    introspecting = server(freePort(), QUICK, "--introspection-client-id", "mcp-resource",
        "--introspection-client-secret", "resource-secret", "--accept-audience", jwt.mcpEndpoint().toString());
    McpHttp.Answer answer = McpHttp.callTool(introspecting.mcpEndpoint(), issuer.token("claude", "mcp:read"), "whoami", "{}");
    assertThat(answer.status()).isEqualTo(200);
    JsonNode caller = JSON.readTree(McpHttp.text(answer));
    assertThat(caller.get("subject").asText()).isEqualTo("alice");
    assertThat(caller.get("scopes")).extracting(JsonNode::asText).containsExactly("mcp:read");
    // mock-oauth2-server's introspection answer carries no client_id, so none is reported.
    assertThat(caller.get("client_id").asText()).isEmpty();

    McpHttp.Answer inactive = McpHttp.callTool(introspecting.mcpEndpoint(), "opaque-but-unknown", "whoami", "{}");
    assertThat(inactive.status()).isEqualTo(401);
    assertThat(inactive.challenge()).contains("error=\"invalid_token\"").contains("not active");

    McpHttp.Answer foreign = McpHttp.callTool(introspecting.mcpEndpoint(), issuer.token("other-audience", "mcp:read"),
        "whoami", "{}");
    assertThat(foreign.status()).isEqualTo(401);
    assertThat(foreign.challenge()).contains("another resource");
  }

  @Test
  @Order(8)
  void issuerDownThenUncheckableTokensGet503AndServerRecoversOnceItIsBackWithRotatedKey() throws Exception {
    String rsaToken = issuer.token("claude", "mcp:read");
    String neverPresented = issuer.token("claude", "mcp:read");
    assertThat(MockIssuer.header(rsaToken).get("alg").asText()).isEqualTo("RS256");
    assertThat(McpHttp.callTool(jwt.mcpEndpoint(), rsaToken, "whoami", "{}").status()).isEqualTo(200);
    issuer.stop();

    // Introspection cannot be done while the issuer is down: 503 with Retry-After.
    McpHttp.Answer notIntrospected = McpHttp.callTool(introspecting.mcpEndpoint(), neverPresented, "whoami", "{}");
    assertThat(notIntrospected.status()).isEqualTo(503);
    assertThat(notIntrospected.retryAfter()).isNotBlank();
    // Keys already fetched keep working while the issuer is down.
    assertThat(McpHttp.callTool(jwt.mcpEndpoint(), neverPresented, "whoami", "{}").status()).isEqualTo(200);
    // A resource server that never reached the issuer cannot check anything: 503, never a guess.
    ExampleServer late = server(freePort(), QUICK, "--accept-audience", jwt.mcpEndpoint().toString());
    McpHttp.Answer unavailable = McpHttp.callTool(late.mcpEndpoint(), rsaToken, "whoami", "{}");
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(unavailable.retryAfter()).isNotBlank();
    assertThat(McpHttp.callTool(late.mcpEndpoint(), null, "whoami", "{}").status()).isEqualTo(401);

    // The issuer comes back with a new key (RS256 -> ES256): both servers recover without a restart.
    issuer.start("ES256");
    String ecToken = issuer.token("claude", "mcp:read");
    assertThat(MockIssuer.header(ecToken).get("alg").asText()).isEqualTo("ES256");
    awaitStatus(late, ecToken, 200);
    assertThat(McpHttp.callTool(jwt.mcpEndpoint(), ecToken, "whoami", "{}").status())
        .as("unknown key: JWKS fetched again").isEqualTo(200);
    // The RSA key is gone from the issuer's JWKS, so a token signed with it no longer passes.
    assertThat(McpHttp.callTool(late.mcpEndpoint(), rsaToken, "whoami", "{}").status()).isEqualTo(401);
    awaitStatus(introspecting, ecToken, 200);
  }

  private static ExampleServer server(int port, UnaryOperator<ResourceServer.Builder> tuning, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--authorization-server", issuer.issuer()));
    args.addAll(List.of(more));
    ExampleServer server = ExampleServer.start(ExampleOptions.parse(Map.of(), args.toArray(String[]::new)), tuning);
    servers.add(server);
    return server;
  }

  /** Polls until the server answers {@code status}: recovery takes a discovery retry interval or so. */
  private static void awaitStatus(ExampleServer server, String token, int status) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    McpHttp.Answer answer;
    while ((answer = McpHttp.callTool(server.mcpEndpoint(), token, "whoami", "{}")).status() != status) {
      assertThat(Instant.now()).as("still %s (%s) after 30 s", answer.status(), answer.challenge()).isBefore(deadline);
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
