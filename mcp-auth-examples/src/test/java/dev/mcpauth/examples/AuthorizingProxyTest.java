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
 * official TypeScript SDK client. Two proxies: one in front of a stateless server that refuses the
 * first upstream token it sees (so the proxy must refresh it upstream and send the request again)
 * and sets cookies, CORS headers and challenges of its own, which the proxy must keep from the
 * client; one in front of a stateful server with sessions, the standalone GET stream and an event
 * store, through which streamed messages must arrive as they are sent (MCP Streamable HTTP).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // Node clients get up to 4 min each (NodeProcess); some tests run several
class AuthorizingProxyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static MockIssuer upstream;
  private static ProxyServerAccess proxy;
  private static int mcpPort;
  private static ECKey signingKey;
  private static ProxyServerAccess streamProxy;
  private static int streamPort;
  private static JsonNode streamReport;
  private static java.nio.file.Path streamState;
  private static String echoToken;

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
    streamPort = SharedStoreReplicasContract.freePort();
    streamProxy = ProxyServerAccess.start(Map.of(
        "PORT", String.valueOf(SharedStoreReplicasContract.freePort()),
        "MCP_SERVER_URL", "http://127.0.0.1:" + streamPort + "/mcp",
        "MCP_SERVER_RUN_COMMAND", "cd '" + NodeProcess.DIRECTORY + "' && exec node mcp-stream-server.mjs " + streamPort,
        "IDENTITY_SERVER_URL", upstream.issuer(),
        "IDENTITY_CLIENT_ID", "mcp-auth-proxy",
        "IDENTITY_CLIENT_SECRET", "upstream-secret",
        "MCP_AUTH_UPSTREAM_TOKEN_KEY", UpstreamTokenSealer.newKey()));
    awaitPort(streamPort);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (streamProxy != null) {
      streamProxy.close();
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
    // The stateless MCP server has no GET stream: its 405 reaches the client, which goes on without one.
    assertThat(exchanges).contains("GET /mcp 405");
  }

  @Test
  void sseThroughTheProxyWhenTheMcpServerReportsProgressThenEachNotificationArrivesAsItIsSent() throws Exception {
    JsonNode progress = ClientReport.step(streamReport(), "progress");
    List<Integer> arrivals = new ArrayList<>();
    progress.get("arrivals").forEach(a -> arrivals.add(a.get("ms").asInt()));
    int result = progress.get("resultMs").asInt();

    // The MCP server sends them 500 ms apart, then the result.
    assertThat(arrivals).as("progress arrivals (ms), result at %d ms", result).hasSize(3).allMatch(ms -> ms <= result);
    for (int i = 1; i < arrivals.size(); i++) {
      assertThat(arrivals.get(i) - arrivals.get(i - 1)).as("progress arrivals (ms) %s", arrivals).isGreaterThanOrEqualTo(300);
    }
  }

  @Test
  void getStreamThroughTheProxyWhenTheMcpServerNotifiesBetweenRequestsThenTheClientGetsItAtOnceAndResumesWithLastEventId()
      throws Exception {
    JsonNode report = streamReport();
    assertThat(ClientReport.step(report, "get-open").get("opened").asBoolean()).as("the GET stream's headers arrived").isTrue();
    JsonNode notified = ClientReport.step(report, "get-stream");
    assertThat(notified.get("latencyMs").isNull()).as("the logging message arrived on the GET stream within 4 s").isFalse();
    assertThat(notified.get("latencyMs").asInt()).as("ms from the MCP server sending it to the client receiving it")
        .isLessThan(1000);

    JsonNode resumed = ClientReport.step(report, "resume");
    assertThat(resumed.get("arrivedMs").isNull()).as("the message sent while no GET stream was open arrived on resuming")
        .isFalse();
    List<String> lastEventIds = new ArrayList<>();
    resumed.get("lastEventIds").forEach(id -> lastEventIds.add(id.isNull() ? null : id.asText()));
    assertThat(lastEventIds).as("Last-Event-ID of each GET").first().isNull();
    assertThat(lastEventIds).as("Last-Event-ID of each GET").anyMatch(id -> id != null);
  }

  @Test
  void getStreamWhenTheMcpServerRefusesTheUpstreamTokenThenTheProxyRefreshesItAndConnectsAgain() throws Exception {
    JsonNode report = streamReport(); // the MCP server refused the token of the first GET with a 401 and a JSON body
    assertThat(streamServer("/admin/stats").get("getRefusals").asInt()).isEqualTo(1);
    List<String> exchanges = ClientReport.exchanges(report);
    assertThat(exchanges.subList(exchanges.indexOf("POST /token 200"), exchanges.size())).noneMatch(e -> e.endsWith(" 401"));
    // The first GET (without Last-Event-ID): refused upstream, refreshed and sent again by the proxy, answered.
    JsonNode firstGet = null;
    for (JsonNode h : report.get("http")) {
      if (firstGet == null && h.get("method").asText().equals("GET") && h.get("path").asText().equals("/mcp")) {
        firstGet = h;
      }
    }
    assertThat(firstGet).isNotNull();
    assertThat(firstGet.has("lastEventId")).isFalse();
    assertThat(firstGet.get("status").asInt()).as("the first GET's status (0: no answer)").isEqualTo(200);
  }

  @Test
  void sessionThroughTheProxyThenItsIdAndProtocolVersionGoBothWaysNotificationsGet202AndDeleteEndsIt() throws Exception {
    JsonNode report = streamReport();
    JsonNode session = ClientReport.step(report, "session");
    assertThat(session.get("clientSessionId").asText()).isNotBlank().isEqualTo(session.get("serverSessionId").asText());
    assertThat(session.get("clientProtocolVersion").asText()).isNotBlank()
        .isEqualTo(session.get("serverProtocolVersion").asText());
    List<String> initialized = new ArrayList<>();
    report.get("http").forEach(h -> {
      if ("notifications/initialized".equals(h.path("rpc").asText())) {
        initialized.add(h.get("method").asText() + " " + h.get("status").asInt());
      }
    });
    assertThat(initialized).containsExactly("POST 202");

    JsonNode deleted = ClientReport.step(report, "delete");
    assertThat(ClientReport.exchanges(report)).contains("DELETE /mcp 200");
    List<String> ended = new ArrayList<>();
    streamServer("/admin/stats").get("deleted").forEach(id -> ended.add(id.asText()));
    assertThat(ended).contains(deleted.get("sessionId").asText());
    assertThat(deleted.get("afterwards").asInt()).as("the ended session through the proxy").isEqualTo(404);
  }

  /** The proxy is behind the same bearer filter, so sessions of the MCP server behind it are bound too. */
  @Test
  void sessionThroughTheProxyWhenAnotherUserPresentsItThen404AndItsOwnerIsServed() throws Exception {
    String erin = streamToken();
    String session = newStreamSession(erin);
    String frank = streamLogin("frank");
    String toolsList = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

    McpHttp.Answer asFrank = McpHttp.post(streamProxy.mcpEndpoint(), frank, session, toolsList);
    McpHttp.Answer asErin = McpHttp.post(streamProxy.mcpEndpoint(), erin, session, toolsList);

    assertThat(asFrank.status()).as(asFrank.result().toString()).isEqualTo(404);
    assertThat(asErin.status()).as(asErin.result().toString()).isEqualTo(200);
  }

  @Test
  void getStreamWhenTheClientDisconnectsThenTheProxyAbortsItsRequestToTheMcpServer() throws Exception {
    String token = streamToken();
    String session = newStreamSession(token);
    int before = streamServer("/admin/stats").get("openGets").asInt();
    try (Socket stream = openGetStream(streamProxy.mcpEndpoint(), token, session)) {
      awaitStat("openGets", before + 1);
    }
    awaitStat("openGets", before);
  }

  @Test
  void getStreamWhenTheMcpServersConnectionDiesThenTheClientsStreamEnds() throws Exception {
    String token = streamToken();
    String session = newStreamSession(token);
    try (Socket stream = openGetStream(streamProxy.mcpEndpoint(), token, session)) {
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + streamPort
          + "/admin/kill-get-streams")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
      stream.setSoTimeout(20_000);
      java.io.ByteArrayOutputStream rest = new java.io.ByteArrayOutputStream();
      try {
        stream.getInputStream().transferTo(rest); // until the proxy closes the connection
      } catch (java.net.SocketException reset) {
        // ended by a reset: as good as a close
      }
      // Not the last chunk of a complete response: the client must see that the stream broke (RFC 9112 §8).
      assertThat(rest.toString(StandardCharsets.ISO_8859_1)).doesNotEndWith("0\r\n\r\n");
    }
  }

  @Test
  void sseWhenTheClientDoesNotReadThenTheProxyHoldsTheMcpServerBackInsteadOfBuffering() throws Exception {
    String token = streamToken();
    long flood = 64L * 1024 * 1024;
    URI endpoint = streamProxy.mcpEndpoint();
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(16 * 1024); // kernel buffers are no proxy's: keep them small
      socket.connect(new InetSocketAddress("127.0.0.1", endpoint.getPort()));
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(("GET " + endpoint.getPath() + "?flood=" + flood + " HTTP/1.1\r\nHost: "
          + endpoint.getAuthority() + "\r\nAuthorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] first = new byte[12];
      assertThat(socket.getInputStream().readNBytes(first, 0, first.length)).isEqualTo(first.length);
      assertThat(new String(first, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");

      // The client reads no more: what the MCP server could write levels off, far below what it has.
      JsonNode stalled = awaitFloodLevelsOff();
      assertThat(stalled.get("done").asBoolean()).as("the MCP server wrote everything into the proxy").isFalse();
      assertThat(stalled.get("written").asLong()).isLessThan(flood / 2);

      // The client reads again: the proxy takes from the MCP server again.
      assertThat(socket.getInputStream().readNBytes(2 * 1024 * 1024)).hasSize(2 * 1024 * 1024);
      Instant deadline = Instant.now().plusSeconds(60);
      while (streamServer("/admin/stats").at("/flood/written").asLong() <= stalled.get("written").asLong()) {
        assertThat(Instant.now()).as("the MCP server never wrote again").isBefore(deadline);
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  @Test
  void mcpServerWhenItAnswers401WithABodyThenTheProxyRefreshesAndResendsWithoutHanging() throws Exception {
    String token = login();
    HttpResponse<String> answer = callEchoHeaders(token, Map.of("X-Echo-Refuse", "once-" + java.util.UUID.randomUUID()));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(echoed(answer).get("authorization").asText()).startsWith("Bearer ");
  }

  @Test
  void mcpServerWhenItRefusesEveryTokenThenTheProxyRefreshesOnceAndEndsTheGrant() throws Exception {
    String token = login();
    int before = echoServer("/admin/stats").get("alwaysRefusedTokens").asInt();
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(callEchoHeaders(token, Map.of("X-Echo-Refuse", "always")));
    }
    // The token the first request carried, and the one refresh; the refreshed token refused too, the grant ended.
    assertThat(echoServer("/admin/stats").get("alwaysRefusedTokens").asInt() - before)
        .as("upstream tokens the MCP server saw: one refresh, then no more").isEqualTo(2);
    for (HttpResponse<String> answer : answers) {
      assertThat(answer.statusCode()).isEqualTo(401);
      assertThat(answer.headers().allValues("WWW-Authenticate")).as("the proxy's own challenge").singleElement()
          .asString().contains("resource_metadata=\"" + proxy.baseUrl() + "/.well-known/oauth-protected-resource/mcp\"")
          .doesNotContain("evil.example");
    }
  }

  @Test
  void mcpServerWhenItRefusesRequestAfterRequestThenAtMostThreeRefreshesAMinuteBeforeTheGrantEnds() throws Exception {
    String token = login(); // its own first token may have been refused too: then it has one refresh less
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      statuses.add(callEchoHeaders(token, Map.of("X-Echo-Refuse", "once-" + java.util.UUID.randomUUID())).statusCode());
    }
    assertThat(statuses).as("each request refused once, then resent after a refresh").startsWith(200, 200)
        .endsWith(401, 401).containsOnly(200, 401);
    assertThat(statuses.subList(statuses.indexOf(401), statuses.size())).as("the grant ended").containsOnly(401);
  }

  @Test
  void mcpServerWhenItSetsCookiesCorsOrChallengesThenTheClientGetsOnlyTheProxysHeaders() throws Exception {
    String origin = proxy.baseUrl();
    HttpResponse<String> answer = callEchoHeaders(echoToken(), Map.of("Origin", origin));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().allValues("Access-Control-Allow-Origin")).containsExactly(origin);
    assertThat(answer.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(answer.headers().allValues("WWW-Authenticate")).isEmpty();
    assertThat(answer.headers().allValues("Date")).as("one Date (RFC 9110 §6.6.1)").hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void clientForwardingHeadersAndCookiesThenTheMcpServerGetsTheProxysOwnValues() throws Exception {
    HttpResponse<String> answer = callEchoHeaders(echoToken(), Map.of(
        "X-Forwarded-For", "203.0.113.9",
        "X-Forwarded-Host", "evil.example",
        "X-Forwarded-Proto", "https",
        "X-Real-IP", "203.0.113.9",
        "Forwarded", "for=203.0.113.9;host=evil.example;proto=https",
        "Cookie", "mcp-auth-browser=the-users-consent-cookie; other=1",
        "X_MCP_Auth_Subject", "admin",
        "X_Forwarded_For", "6.6.6.6"));
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode echoed = echoed(answer);
    String host = "127.0.0.1:" + proxy.mcpEndpoint().getPort();
    assertThat(echoed.get("xForwardedFor").asText()).isEqualTo("127.0.0.1");
    assertThat(echoed.get("xRealIp").asText()).isEqualTo("127.0.0.1");
    assertThat(echoed.get("xForwardedHost").asText()).isEqualTo(host);
    assertThat(echoed.get("xForwardedProto").asText()).isEqualTo("http");
    assertThat(echoed.get("forwarded").asText()).isEqualTo("for=127.0.0.1;host=\"" + host + "\";proto=http");
    assertThat(echoed.get("cookie").isNull()).as("no Cookie header forwarded").isTrue();
    assertThat(echoed.get("names")).extracting(JsonNode::asText)
        .as("CGI and WSGI servers read x_mcp_auth_subject as X-MCP-Auth-Subject").noneMatch(name -> name.contains("_"));
  }

  @Test
  void mcpServerWhenItSendsInterimResponsesFirstThenTheClientGetsTheAnswer() throws Exception {
    HttpResponse<String> answer = callEchoHeaders(echoToken(), Map.of("X-Echo-Interim", "1"));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(echoed(answer).get("authorization").asText()).startsWith("Bearer ");
  }

  @Test
  void oneUserWhenHoldingManyRequestsOpenThenHisNextIsRefusedAndOtherUsersAreServed() throws Exception {
    String heavy = login();
    int limit = ProxyServerAccess.maxRequestsPerGrant();
    HttpClient client = HttpClient.newHttpClient();
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    for (int i = 0; i < limit; i++) {
      held.add(client.sendAsync(echoHeadersRequest(heavy, Map.of("X-Echo-Hold", "1")), HttpResponse.BodyHandlers.ofString()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (echoServer("/admin/stats").get("held").asInt() < limit) { // eventually: each request reached the MCP server
      assertThat(System.nanoTime() - deadline).as("requests held at the MCP server").isNegative();
      Thread.sleep(50);
    }

    HttpResponse<String> oneMore = callEchoHeaders(heavy, Map.of());
    HttpResponse<String> otherUser = callEchoHeaders(echoToken(), Map.of());
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mcpPort + "/admin/release"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());

    assertThat(oneMore.statusCode()).isEqualTo(429);
    assertThat(oneMore.headers().firstValue("Retry-After")).isPresent();
    assertThat(otherUser.statusCode()).isEqualTo(200);
    for (var request : held) {
      assertThat(request.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(callEchoHeaders(heavy, Map.of()).statusCode()).as("his requests ended: room again").isEqualTo(200);
  }

  @Test
  void metadataWhenReadThenTheProxyAcceptsClientIdMetadataDocumentsAndPrivateKeyJwt() throws Exception {
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/.well-known/oauth-authorization-server")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());

    JsonNode metadata = JSON.readTree(response.body());
    assertThat(metadata.get("client_id_metadata_document_supported").asBoolean()).isTrue();
    assertThat(metadata.get("token_endpoint_auth_methods_supported").toString()).contains("private_key_jwt");
  }

  @Test
  void clientQueryThatIsNoUriQueryThen400NotA500() throws Exception {
    // Browsers send '|' unencoded; the HTTP client to the MCP server cannot take it.
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
    try (Socket socket = new Socket("127.0.0.1", proxy.mcpEndpoint().getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("POST " + proxy.mcpEndpoint().getPath() + "?a|b HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + proxy.mcpEndpoint().getPort() + "\r\nAuthorization: Bearer " + echoToken() + "\r\n"
          + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nConnection: close\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 400");
    }
  }

  @Test
  void proxyWhenItsBaseUrlIsLoopbackThenItListensOnLoopbackOnly() throws Exception {
    java.net.InetAddress external = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(n -> java.util.Collections.list(n.getInetAddresses()).stream())
        .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
        .findFirst().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "no address but loopback to try");
    int port = proxy.mcpEndpoint().getPort();
    try (Socket local = new Socket()) {
      local.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    }
    try (Socket remote = new Socket()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> remote.connect(new InetSocketAddress(external, port), 2000))
          .as("BASE_URL %s is loopback: nothing listens on %s", proxy.baseUrl(), external)
          .isInstanceOf(java.net.ConnectException.class);
    }
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

  /** The stream client's run through the stream proxy, once: the MCP server refuses the token of its first GET. */
  private static synchronized JsonNode streamReport() throws Exception {
    if (streamReport == null) {
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + streamPort
          + "/admin/refuse-next-get")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
      streamState = java.nio.file.Files.createTempFile("ts-client-stream", ".json");
      java.nio.file.Files.delete(streamState);
      NodeProcess.Result result = NodeProcess.node(180, "ts-client-stream.mjs", streamProxy.mcpEndpoint().toString(), "erin",
          streamState.toString());
      JsonNode report = JSON.readTree(result.lastLine());
      System.out.println("ts-client-stream through the proxy: " + report.get("steps"));
      assertThat(report.path("ok").asBoolean()).as(result.stdout() + result.stderr()).isTrue();
      streamReport = report;
    }
    return streamReport;
  }

  /** Another user's login through the stream proxy (a client run of its own): the access token. */
  private static String streamLogin(String user) throws Exception {
    java.nio.file.Path state = java.nio.file.Files.createTempFile("ts-client-stream", ".json");
    java.nio.file.Files.delete(state);
    NodeProcess.Result result = NodeProcess.node(180, "ts-client-stream.mjs", streamProxy.mcpEndpoint().toString(), user,
        state.toString());
    assertThat(JSON.readTree(result.lastLine()).path("ok").asBoolean()).as(result.stdout() + result.stderr()).isTrue();
    return JSON.readTree(java.nio.file.Files.readString(state)).at("/tokens/access_token").asText();
  }

  private static String streamToken() throws Exception {
    streamReport();
    return JSON.readTree(java.nio.file.Files.readString(streamState)).at("/tokens/access_token").asText();
  }

  /** A session with the stream proxy's MCP server: initialize, then notifications/initialized. */
  private static String newStreamSession(String token) throws Exception {
    McpHttp.Answer initialized = McpHttp.post(streamProxy.mcpEndpoint(), token, null, """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
         "capabilities":{},"clientInfo":{"name":"mcp-auth-test","version":"1"}}}""");
    assertThat(initialized.status()).isEqualTo(200);
    String session = initialized.result().get("session").asText();
    assertThat(McpHttp.post(streamProxy.mcpEndpoint(), token, session,
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").status()).isEqualTo(202);
    return session;
  }

  /** Opens the standalone GET stream through the proxy and reads the answer's head. */
  private static Socket openGetStream(URI endpoint, String token, String session) throws Exception {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", endpoint.getPort()));
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write(("GET " + endpoint.getPath() + " HTTP/1.1\r\nHost: " + endpoint.getAuthority()
        + "\r\nAuthorization: Bearer " + token + "\r\nMcp-Session-Id: " + session + "\r\nMCP-Protocol-Version: 2025-06-18"
        + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = socket.getInputStream().read(); // times out if the proxy holds the head back
      assertThat(b).as("the answer's head so far: %s", head).isNotNegative();
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 200").containsIgnoringCase("content-type: text/event-stream");
    return socket;
  }

  private static void awaitStat(String name, int value) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (streamServer("/admin/stats").get(name).asInt() != value) {
      assertThat(Instant.now()).as("%s did not become %d within 30 s", name, value).isBefore(deadline);
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** The flood's progress once what the MCP server wrote has not grown for a second (or it finished). */
  private static JsonNode awaitFloodLevelsOff() throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    long last = -1;
    Instant changed = Instant.now();
    while (true) {
      JsonNode flood = streamServer("/admin/stats").get("flood");
      if (flood.get("done").asBoolean()) {
        return flood;
      }
      if (flood.get("written").asLong() != last) {
        last = flood.get("written").asLong();
        changed = Instant.now();
      } else if (changed.isBefore(Instant.now().minusSeconds(1))) {
        return flood;
      }
      assertThat(Instant.now()).as("the flood neither finished nor levelled off").isBefore(deadline);
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private static JsonNode streamServer(String path) throws Exception {
    return get("http://127.0.0.1:" + streamPort + path);
  }

  private static JsonNode echoServer(String path) throws Exception {
    return get("http://127.0.0.1:" + mcpPort + path);
  }

  private static JsonNode get(String url) throws Exception {
    return JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  /** A login of its own (its own grant) through the first proxy: the client's access token. */
  private static String login() throws Exception {
    java.nio.file.Path state = java.nio.file.Files.createTempFile("ts-client-state", ".json");
    java.nio.file.Files.delete(state);
    run(state.toString());
    return JSON.readTree(java.nio.file.Files.readString(state)).at("/tokens/access_token").asText();
  }

  /** A token for tests that leave its grant as it is, shared by them. */
  private static synchronized String echoToken() throws Exception {
    if (echoToken == null) {
      echoToken = login();
    }
    return echoToken;
  }

  /** tools/call echo_headers through the (first) proxy, from 127.0.0.1, with these headers too. */
  private static HttpResponse<String> callEchoHeaders(String token, Map<String, String> headers) throws Exception {
    return HttpClient.newHttpClient().send(echoHeadersRequest(token, headers), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest echoHeadersRequest(String token, Map<String, String> headers) {
    URI endpoint = URI.create("http://127.0.0.1:" + proxy.mcpEndpoint().getPort() + proxy.mcpEndpoint().getPath());
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(java.time.Duration.ofSeconds(60)) // the proxy once hung up to 300 s here
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo_headers\",\"arguments\":{}}}"));
    headers.forEach(request::header);
    return request.build();
  }

  /** The echo_headers tool's answer in an SSE or JSON response. */
  private static JsonNode echoed(HttpResponse<String> answer) throws Exception {
    String body = answer.body().strip();
    String json = body.startsWith("{") ? body : body.lines().filter(l -> l.startsWith("data:"))
        .map(l -> l.substring(5).strip()).findFirst().orElseThrow(() -> new AssertionError(body));
    return JSON.readTree(JSON.readTree(json).at("/result/content/0/text").asText());
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
