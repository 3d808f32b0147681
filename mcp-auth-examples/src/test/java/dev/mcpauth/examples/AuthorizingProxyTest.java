package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.mcpauth.examples.proxy.ProxyServerAccess;
import dev.mcpauth.upstream.UpstreamTokenSealer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example's proxy mode end to end, each part in its own process: mock-oauth2-server as the
 * upstream identity provider, an MCP server in another language (Node, the official TypeScript
 * SDK's server) started and supervised by the proxy through {@code MCP_SERVER_RUN_COMMAND}, and the
 * official TypeScript SDK client. The MCP server refuses the first upstream token it sees, so the
 * proxy must refresh it upstream and send the request again.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // Node clients get up to 4 min each (NodeProcess); some tests run several
class AuthorizingProxyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static MockIssuer upstream;
  private static ProxyServerAccess proxy;
  private static int mcpPort;
  private static ECKey signingKey;

  @BeforeAll
  static void start() throws Exception {
    upstream = new MockIssuer(SharedStoreReplicasContract.freePort(), "mcp-auth-proxy").start("RS256");
    mcpPort = SharedStoreReplicasContract.freePort();
    int proxyPort = SharedStoreReplicasContract.freePort();
    signingKey = new ECKeyGenerator(Curve.P_256).keyID("proxy-key-1").generate();
    proxy = ProxyServerAccess.start(Map.of(
        "OIDC_PROVIDER_JWKS", "[" + signingKey.toJSONString() + "]",
        "PORT", String.valueOf(proxyPort),
        "MCP_SERVER_URL", "http://127.0.0.1:" + mcpPort + "/mcp",
        "MCP_SERVER_RUN_COMMAND", "cd '" + NodeProcess.DIRECTORY + "' && REFUSE_FIRST_TOKEN=1 exec node mcp-echo-server.mjs " + mcpPort,
        "IDENTITY_SERVER_URL", upstream.issuer(),
        "IDENTITY_CLIENT_ID", "mcp-auth-proxy",
        "IDENTITY_CLIENT_SECRET", "upstream-secret",
        "MCP_AUTH_UPSTREAM_TOKEN_KEY", UpstreamTokenSealer.newKey()));
    awaitPort(mcpPort);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    upstream.close();
  }

  @Test
  void officialClientThroughTheProxyWhenCallingToolsThenTheMcpServerGetsTheUpstreamTokenAndSseStreamsThrough()
      throws Exception {
    JsonNode report = run();
    List<String> exchanges = ClientReport.exchanges(report);
    assertThat(exchanges).containsSubsequence("POST /mcp 401", "POST /register 201", "GET /authorize 200",
        "POST /authorize/consent 302", "GET /" + MockIssuer.ISSUER_ID + "/authorize 200",
        "GET /interaction/identity/callback 302", "POST /token 200", "POST /mcp 200");
    // The MCP server's first 401 was absorbed by the proxy: the client never saw a 401 after authorizing.
    assertThat(exchanges.subList(exchanges.indexOf("POST /token 200"), exchanges.size())).noneMatch(e -> e.endsWith(" 401"));

        assertThat(ClientReport.step(report, "tools/list").get("tools")).extracting(JsonNode::asText).containsExactly("echo_headers", "progress");
    JsonNode echoed = ClientReport.step(report, "echo_headers");
    String received = echoed.get("authorization").asText();
    String clientToken = echoed.get("clientToken").asText();
    assertThat(received).startsWith("Bearer ").doesNotContain(clientToken);
    JsonNode upstreamClaims = JSON.readTree(Base64.getUrlDecoder().decode(received.substring(7).split("\\.")[1]));
    assertThat(upstreamClaims.get("iss").asText()).as("the provider's token").isEqualTo(upstream.issuer());
    JsonNode clientClaims = JSON.readTree(Base64.getUrlDecoder().decode(clientToken.split("\\.")[1]));
    assertThat(clientClaims.get("iss").asText()).as("the proxy's own token").isEqualTo(proxy.baseUrl());
    JsonNode clientHeader = JSON.readTree(Base64.getUrlDecoder().decode(clientToken.split("\\.")[0]));
    assertThat(clientHeader.get("kid").asText()).as("signed with OIDC_PROVIDER_JWKS").isEqualTo(signingKey.getKeyID());
    assertThat(echoed.get("subject").asText()).isEqualTo("dave");
    assertThat(echoed.get("scope").asText()).isEqualTo("mcp");
    assertThat(echoed.get("clientId").asText()).isNotBlank();

    JsonNode progress = ClientReport.step(report, "progress");
    assertThat(progress.get("progress")).extracting(JsonNode::asInt).containsExactly(1, 2, 3);
    assertThat(progress.get("text").asText()).isEqualTo("done");
  }

  @Test
  void mcpServerWhenItDiesThenTheProxyStartsItAgain() throws Exception {
    long before = proxy.mcpServerPid();
    ProcessHandle dying = ProcessHandle.of(before).orElseThrow();
    dying.destroy();
    dying.onExit().get(10, TimeUnit.SECONDS);
    Instant deadline = Instant.now().plusSeconds(30);
    while (proxy.mcpServerPid() == before) {
      assertThat(Instant.now()).as("not restarted within 30 s").isBefore(deadline);
      TimeUnit.MILLISECONDS.sleep(100);
    }
    awaitPort(mcpPort);
    // A new MCP server process: it refuses the first token it sees again, and the flow still works.
    assertThat(run().get("ok").asBoolean()).isTrue();
  }

  @Test
  void upstreamWhenItNoLongerHonoursTheUsersTokensThenTheClientIsLedToAuthorizeAgain() throws Exception {
    java.nio.file.Path state = java.nio.file.Files.createTempFile("ts-client-state", ".json");
    java.nio.file.Files.delete(state);
    JsonNode first = run(state.toString());
    assertThat(first.get("logins").asInt()).isEqualTo(1);
    JsonNode reconnect = run(state.toString());
    assertThat(reconnect.get("logins").asInt()).as("tokens kept: no sign-in").isZero();
    String before = ClientReport.step(reconnect, "echo_headers").get("authorization").asText();

    // The provider loses every refresh token (restarted) and the MCP server refuses the tokens it saw.
    upstream.stop();
    upstream.start("RS256");
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mcpPort + "/admin/refuse-known"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());

    JsonNode after = run(state.toString());
    assertThat(after.get("logins").asInt()).as("the grant ended: signed in again").isEqualTo(1);
    assertThat(ClientReport.step(after, "echo_headers").get("authorization").asText()).isNotEqualTo(before);
  }

  @Test
  void mcpWhenTheClientSendsATooLargeBodyThenItReads413AndAnOrderlyClose() throws Exception {
    java.nio.file.Path state = java.nio.file.Files.createTempFile("ts-client-state", ".json");
    java.nio.file.Files.delete(state);
    run(state.toString());
    String accessToken = JSON.readTree(java.nio.file.Files.readString(state)).at("/tokens/access_token").asText();
    URI endpoint = proxy.mcpEndpoint();
    byte[] body = "x".repeat(5_000_000).getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket()) {
      socket.setSendBufferSize(64 * 1024); // still sending when the answer comes, as on a slow link
      socket.connect(new InetSocketAddress("127.0.0.1", endpoint.getPort()));
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(("POST " + endpoint.getPath() + " HTTP/1.1\r\nHost: " + endpoint.getAuthority()
          + "\r\nAuthorization: Bearer " + accessToken + "\r\nContent-Type: application/json\r\n"
          + "Accept: application/json, text/event-stream\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body); // a reset while sending fails here
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("\r\nConnection: close\r\n");
    }
  }

  private static JsonNode run(String... stateFile) throws Exception {
    List<String> args = new ArrayList<>(List.of(proxy.mcpEndpoint().toString(), "dave"));
    args.addAll(List.of(stateFile));
    NodeProcess.Result result = NodeProcess.node(180, "ts-client-proxy.mjs", args.toArray(String[]::new));
    JsonNode report = JSON.readTree(result.lastLine());
    assertThat(report.path("ok").asBoolean()).as(result.stdout() + result.stderr()).isTrue();
    return report;
  }

  private static void awaitPort(int port) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (java.io.IOException e) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    throw new AssertionError("nothing listens on " + port);
  }

}
