package dev.mcpauth.servlet;

import dev.mcpauth.guard.OriginGuard;
import dev.mcpauth.guard.ScopePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.ratelimit.LimitedAction;
import dev.mcpauth.ratelimit.RateLimit;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The servlet adapters over real HTTP on a real container: every URL clients probe, the bearer
 * filter's challenges, CORS, the Host/Origin guard, limits, and the consent page. Each container
 * (Jetty, Tomcat) runs the same contract.
 */
abstract class ServletAdapterContract {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CALLBACK = "http://127.0.0.1:49999/callback";
  /** alice's password, wonderland, hashed once for all tests rather than at every start. */
  static final String ALICE = PasswordHash.of("wonderland".toCharArray()).encoded();
  static final String BOB = PasswordHash.of("builder".toCharArray()).encoded();
  /** For the rate-limit cases: a clock that does not move, so that every Retry-After is exact however slow the machine. */
  static final java.time.Clock STOPPED_CLOCK = java.time.Clock.fixed(java.time.Instant.now(), java.time.ZoneOffset.UTC);

  private ServletContainer container;
  EchoMcpServlet mcpServer;
  private final CookieManager cookies = new CookieManager();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).cookieHandler(cookies).build();
  String base;

  abstract ServletContainer newContainer();

  /** The issuer's path, e.g. "" or "/tenant". */
  String issuerPath() {
    return "";
  }

  static final String METADATA_CLIENT = "https://apps.example.com/mcp/client.json";
  static final String METADATA_DOCUMENT = """
      {"client_id":"https://apps.example.com/mcp/client.json","client_name":"<b>Totally Claude</b>",
       "client_uri":"https://apps.example.com/","logo_uri":"https://apps.example.com/logo.png",
       "redirect_uris":["%s"],"token_endpoint_auth_method":"none"}""".formatted(CALLBACK);

  @BeforeEach
  void start() throws Exception {
    start(server -> server, servlets -> servlets);
  }

  /** Starts the container on a fresh port, with the server and the servlets tuned. */
  void start(UnaryOperator<AuthorizationServer.Builder> tuneServer, UnaryOperator<McpAuthServlets.Builder> tuneServlets)
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    base = "http://localhost:" + port;
    AuthorizationServer server = tuneServer.apply(AuthorizationServer.builder()
        .issuer(base + issuerPath())
        .resource(base + "/mcp")
        .scopes("mcp:read", "mcp:write")
        .defaultScopes("mcp:read")
        .pinnedClientMetadataDocument(METADATA_CLIENT, METADATA_DOCUMENT))
        .build();
    McpAuthServlets auth = tuneServlets.apply(McpAuthServlets.builder(server)
        .pages(ConsentPage.withLogin(UserAuthenticator.ofUsers(Map.of("alice", ALICE, "bob", BOB))))
        .scopePolicy(ScopePolicy.builder().always("mcp:read").tool("write_note", "mcp:write").build())
        .originGuard(OriginGuard.forResource(base + "/mcp").allowOrigins("http://localhost:6274")))
        .build();
    container = newContainer();
    mcpServer = new EchoMcpServlet();
    container.start(port, auth.initializer(), mcpServer, auth.mcpPath());
  }

  /** The same, tuned: the container started before is stopped. */
  void restart(UnaryOperator<AuthorizationServer.Builder> tuneServer, UnaryOperator<McpAuthServlets.Builder> tuneServlets)
      throws Exception {
    container.close();
    start(tuneServer, tuneServlets);
  }

  @AfterEach
  void stop() throws Exception {
    container.close();
  }

  // Discovery documents

  @ParameterizedTest
  @ValueSource(strings = {
      "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration",
      "/mcp/.well-known/oauth-authorization-server", "/mcp/.well-known/openid-configuration"})
  void metadataWhenProbedAtEachUrlThenServedWithCors(String path) throws Exception {
    HttpResponse<String> response = get(path, Map.of("Origin", "http://localhost:6274"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    assertThat(json(response).get("issuer").asText()).isEqualTo(base + issuerPath());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"})
  void protectedResourceMetadataWhenProbedThenNamesResourceAndIssuer(String path) throws Exception {
    JsonNode json = json(get(path, Map.of()));

    assertThat(json.get("resource").asText()).isEqualTo(base + "/mcp");
    assertThat(json.get("authorization_servers").get(0).asText()).isEqualTo(base + issuerPath());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/token", "/register", "/revoke", "/jwks", "/.well-known/oauth-authorization-server"})
  void preflightWhenBrowserClientAsksThenAllowedWithWwwAuthenticateExposed(String endpoint) throws Exception {
    String path = endpoint.startsWith("/.well-known") ? endpoint : issuerPath(endpoint);
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + path))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "http://localhost:6274").header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type"));

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    assertThat(response.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("WWW-Authenticate");
  }

  @Test
  void authorizeEndpointWhenCalledCrossOriginThenNoCorsHeaders() throws Exception {
    HttpResponse<String> response = get(issuerPath("/authorize") + "?client_id=x", Map.of("Origin", "http://localhost:6274"));

    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  // The bearer filter

  @Test
  void mcpWhenNoTokenThen401WithResourceMetadataAndScope() throws Exception {
    HttpResponse<String> response = postMcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}", null, Map.of());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains(
        "Bearer resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp\", scope=\"mcp:read\"");
  }

  @Test
  void mcpWhenBadTokenThen401InvalidToken() throws Exception {
    HttpResponse<String> response = postMcp("{}", "not-a-token", Map.of());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElse(""))
        .contains("resource_metadata=").contains("error=\"invalid_token\"");
  }

  /**
   * The 401 is decided from the headers: a client that announces a large body and sends none reads it
   * while it still has not sent a byte of the body (before, the filter first waited for the body).
   */
  @ParameterizedTest
  @ValueSource(strings = {"", "not-a-token"})
  void mcpWhenAnonymousOrBadTokenAnnouncesLargeBodyAndSendsNoneThen401BeforeTheBody(String token) throws Exception {
    int port = URI.create(base).getPort();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000); // generous: the answer must come without the body, however slow the machine
      socket.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: localhost:" + port
          + "\r\nContent-Type: application/json\r\nContent-Length: 4000000\r\n"
          + (token.isEmpty() ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));

      String head = readHead(socket);

      assertThat(head).startsWith("HTTP/1.1 401").containsIgnoringCase("\r\nConnection: close\r\n")
          .contains("resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp\", scope=\"mcp:read\"");
    }
  }

  /** A body the filter leaves unread must not cost a client that sent it whole the 401 (no reset under it). */
  @ParameterizedTest
  @ValueSource(ints = {0, 200, 60_000})
  void mcpWhenAnonymousSendsASmallBodyWholeThenItReadsTheWhole401(int size) throws Exception {
    byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"pad\":\""
        + "x".repeat(size) + "\"}}").getBytes(StandardCharsets.US_ASCII);

    String answer = sendWholeThenRead("/mcp", "application/json", body, false);

    assertThat(answer).startsWith("HTTP/1.1 401").contains("scope=\"mcp:read\"").contains("\"error\":\"unauthorized\"");
  }

  @Test
  void mcpWhenTokenValidThenPrincipalAndUntouchedBodyReachServlet() throws Exception {
    String token = accessToken("mcp:read");
    String body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\"}}";

    HttpResponse<String> response = postMcp(body, token, Map.of());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("subject=alice\nbody=" + body);
  }

  @Test
  void mcpWhenToolNeedsMoreScopeThen403NamingAllNeededScopes() throws Exception {
    String token = accessToken("mcp:read");

    HttpResponse<String> response = postMcp(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"write_note\"}}", token, Map.of());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElse(""))
        .contains("error=\"insufficient_scope\"").contains("scope=\"mcp:read mcp:write\"")
        .contains("resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp\"");
  }

  @Test
  void mcpWhenBatchContainsToolNeedingMoreScopeThen403() throws Exception {
    String token = accessToken("mcp:read");
    String batch = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"},"
        + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"write_note\"}}]";

    assertThat(postMcp(batch, token, Map.of()).statusCode()).isEqualTo(403);
  }

  @Test
  void mcpWhenScopeSufficientForToolThenPasses() throws Exception {
    String token = accessToken("mcp:read mcp:write");

    assertThat(postMcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"write_note\"}}",
        token, Map.of()).statusCode()).isEqualTo(200);
  }

  // MCP sessions are bound to the subject and client that opened them

  private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}";
  private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

  @Test
  void mcpWhenSessionOpenedByAliceThenRefusedToBobAndToAliceThroughAnotherClientAsUnknown() throws Exception {
    String alice = accessToken("mcp:read");
    String aliceElsewhere = accessToken("mcp:read"); // the same user through another registered client
    String bob = accessToken("mcp:read", "bob", "builder");
    String session = postMcp(INITIALIZE, alice, Map.of()).headers().firstValue("Mcp-Session-Id").orElseThrow();

    HttpResponse<String> asBob = postMcp(TOOLS_LIST, bob, Map.of("Mcp-Session-Id", session));
    HttpResponse<String> asOtherClient = postMcp(TOOLS_LIST, aliceElsewhere, Map.of("Mcp-Session-Id", session));
    HttpResponse<String> bobGets = send(HttpRequest.newBuilder(URI.create(base + "/mcp")).GET()
        .header("Authorization", "Bearer " + bob).header("Mcp-Session-Id", session));
    HttpResponse<String> bobDeletes = send(HttpRequest.newBuilder(URI.create(base + "/mcp")).DELETE()
        .header("Authorization", "Bearer " + bob).header("Mcp-Session-Id", session));
    HttpResponse<String> asAlice = postMcp(TOOLS_LIST, alice, Map.of("Mcp-Session-Id", session));

    assertThat(asBob.statusCode()).as(asBob.body()).isEqualTo(404);
    assertThat(json(asBob).path("error").path("code").asInt()).isEqualTo(-32001);
    assertThat(asOtherClient.statusCode()).as(asOtherClient.body()).isEqualTo(404);
    assertThat(bobGets.statusCode()).isEqualTo(404);
    assertThat(bobDeletes.statusCode()).isEqualTo(404);
    assertThat(asBob.body() + asOtherClient.body() + bobGets.body() + bobDeletes.body()).doesNotContain("subject=");
    assertThat(asAlice.statusCode()).isEqualTo(200);
    assertThat(asAlice.body()).isEqualTo("subject=alice\nbody=" + TOOLS_LIST);
  }

  /**
   * An initialization that presents alice's own live session opens a new session, hers alone; one
   * that presents an id nobody holds is refused 404 like any request with it, and the client starts
   * anew without an id (Streamable HTTP, "Session Management", item 4).
   */
  @Test
  void mcpWhenAliceInitializesWithHerSessionIdThenTheNewSessionIsHersAloneAndWithAStaleOne404() throws Exception {
    String alice = accessToken("mcp:read");
    String bob = accessToken("mcp:read", "bob", "builder");
    String own = postMcp(INITIALIZE, alice, Map.of()).headers().firstValue("Mcp-Session-Id").orElseThrow();

    String session = postMcp(INITIALIZE, alice, Map.of("Mcp-Session-Id", own)).headers()
        .firstValue("Mcp-Session-Id").orElseThrow();

    assertThat(session).isNotEqualTo(own);
    assertThat(postMcp(TOOLS_LIST, bob, Map.of("Mcp-Session-Id", session)).statusCode()).isEqualTo(404);
    assertThat(postMcp(TOOLS_LIST, alice, Map.of("Mcp-Session-Id", session)).statusCode()).isEqualTo(200);
    for (String stale : new String[] {"stale-id", ""}) {
      HttpResponse<String> refused = postMcp(INITIALIZE, alice, Map.of("Mcp-Session-Id", stale));
      assertThat(refused.statusCode()).as(stale).isEqualTo(404);
      assertThat(refused.headers().firstValue("Mcp-Session-Id")).as(stale).isEmpty();
    }
  }

  /** An id never announced is refused exactly as another user's session is: no answer tells which ids are live. */
  @Test
  void mcpWhenSessionIdNeverAnnouncedThenRefusedExactlyAsAnotherUsersSession() throws Exception {
    String alice = accessToken("mcp:read");
    String bob = accessToken("mcp:read", "bob", "builder");
    String alicesSession = postMcp(INITIALIZE, alice, Map.of()).headers().firstValue("Mcp-Session-Id").orElseThrow();

    HttpResponse<String> neverAnnounced = postMcp(TOOLS_LIST, bob, Map.of("Mcp-Session-Id", "opened-before-binding-existed"));
    HttpResponse<String> another = postMcp(TOOLS_LIST, bob, Map.of("Mcp-Session-Id", alicesSession));

    assertThat(neverAnnounced.statusCode()).isEqualTo(404);
    assertThat(neverAnnounced.body()).isEqualTo(another.body()).doesNotContain("subject=");
  }

  @Test
  void mcpWhenTwoSessionIdsSentThen400() throws Exception {
    String alice = accessToken("mcp:read");
    String session = postMcp(INITIALIZE, alice, Map.of()).headers().firstValue("Mcp-Session-Id").orElseThrow();

    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
        .POST(HttpRequest.BodyPublishers.ofString(TOOLS_LIST)).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + accessToken("mcp:read", "bob", "builder"))
        .header("Mcp-Session-Id", "unknown").header("Mcp-Session-Id", session));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
  }

  private static final String HOLD = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"hold\"}}";

  /**
   * A user whose calls keep the server's threads (a slow tool) holds at most the configured number: the
   * next request gets 429 with Retry-After while another user is served, and once the calls end the
   * user is served again.
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void mcpWhenAUserHoldsTheMostThreadsThenTheNextIs429AndOtherUsersAreServed() throws Exception {
    restart(server -> server, servlets -> servlets.maxRequestsInFlightPerUser(2));
    String alice = accessToken("mcp:read");
    String bob = accessToken("mcp:read", "bob", "builder");
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> held = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      held.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/mcp")).POST(HttpRequest.BodyPublishers.ofString(HOLD))
          .header("Content-Type", "application/json").header("Authorization", "Bearer " + alice).build(),
          HttpResponse.BodyHandlers.ofString()));
    }

    mcpServer.awaitHeld(2); // both on request threads, so both counted
    HttpResponse<String> refused = postMcp(TOOLS_LIST, alice, Map.of());
    HttpResponse<String> bobServed = postMcp(TOOLS_LIST, bob, Map.of());
    mcpServer.release();
    for (var call : held) {
      assertThat(call.get().statusCode()).isEqualTo(200);
    }
    HttpResponse<String> servedAgain = awaitStatus(200, () -> postMcp(TOOLS_LIST, alice, Map.of()));

    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).contains("1");
    assertThat(json(refused).path("error").path("message").asText()).contains("in flight");
    assertThat(bobServed.statusCode()).isEqualTo(200);
    assertThat(servedAgain.body()).isEqualTo("subject=alice\nbody=" + TOOLS_LIST);
  }

  /**
   * Open event streams hold no thread and do not count: a user with more streams than the limit is
   * still served (before, a stream counted until it ended, and one whose client vanished never ended,
   * so a few dropped connections locked the user out for good; found by attacking the example).
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void mcpWhenAUserHasMoreOpenStreamsThanTheLimitThenStillServed() throws Exception {
    restart(server -> server, servlets -> servlets.maxRequestsInFlightPerUser(2));
    String alice = accessToken("mcp:read");
    for (int i = 0; i < 3; i++) {
      HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/mcp")).GET()
          .header("Accept", "text/event-stream").header("Authorization", "Bearer " + alice).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).as("stream " + i).isEqualTo(200);
    }

    assertThat(postMcp(TOOLS_LIST, alice, Map.of()).statusCode()).isEqualTo(200);
  }

  /** HEAD is no method of the MCP transport: 405, not an event stream that never answers (found by attacking the example). */
  @Test
  void mcpWhenHeadThen405() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + accessToken("mcp:read")));

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("GET, POST, DELETE, OPTIONS");
  }

  /**
   * A token holder's MCP body that stops arriving gets 408 at the deadline and, while it waits, holds
   * no thread: with more of them than the container has threads, others are still served (before: each
   * held a thread until the container's idle timeout, which each trickled byte restarts).
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void mcpWhenBodiesOfAValidTokenStopArrivingThenNoThreadIsHeldAndEachGets408() throws Exception {
    restart(server -> server, servlets -> servlets.mcpBodyReadTimeout(java.time.Duration.ofMinutes(10)));
    String alice = accessToken("mcp:read");
    String bob = accessToken("mcp:read", "bob", "builder");

    HttpResponse<String> other = whileBodiesStall("POST /mcp HTTP/1.1\r\nContent-Type: application/json\r\nAuthorization: Bearer "
        + alice + "\r\nContent-Length: 100\r\n\r\n{", () -> postMcp(TOOLS_LIST, bob, Map.of()));

    assertThat(other.statusCode()).isEqualTo(200);
    restart(server -> server, servlets -> servlets.mcpBodyReadTimeout(java.time.Duration.ofSeconds(1)));
    int port = URI.create(base).getPort();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/json"
          + "\r\nAuthorization: Bearer " + accessToken("mcp:read") + "\r\nContent-Length: 100\r\n\r\n{")
          .getBytes(StandardCharsets.US_ASCII));

      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

      assertThat(answer).startsWith("HTTP/1.1 408").containsIgnoringCase("\r\nConnection: close\r\n")
          .contains("\"error\":\"invalid_request\"");
    }
  }

  /**
   * Sends until the answer has {@code status}, for a state the server reaches on its own threads just
   * after it answered (a held call counted out once its thread is done); bounded by the test's timeout.
   */
  HttpResponse<String> awaitStatus(int status, java.util.concurrent.Callable<HttpResponse<String>> call) throws Exception {
    HttpResponse<String> response = call.call();
    while (response.statusCode() != status) {
      response = call.call();
    }
    return response;
  }

  // The scope check reads the body as the MCP transport will, or refuses it (fail closed)

  private static final String WRITE_NOTE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"write_note\",\"arguments\":{\"text\":\"%s\"}}}";

  @Test
  void mcpWhenBodyHasInvalidUtf8ThenRefusedWhateverTheScope() throws Exception {
    byte[] valid = String.format(WRITE_NOTE, "pwned?").getBytes(StandardCharsets.UTF_8);
    byte[] invalid = valid.clone();
    invalid[new String(valid, StandardCharsets.UTF_8).indexOf('?')] = (byte) 0xFF;

    HttpResponse<String> readOnly = postMcpBytes(invalid, "application/json", accessToken("mcp:read"));
    HttpResponse<String> readWrite = postMcpBytes(invalid, "application/json", accessToken("mcp:read mcp:write"));

    assertThat(readOnly.statusCode()).as(readOnly.body()).isEqualTo(400);
    assertThat(readWrite.statusCode()).isEqualTo(400);
    assertThat(json(readWrite).path("error").path("code").asInt()).isEqualTo(-32700);
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json; charset=IBM037", "application/json;charset=\"utf-16\"",
      "application/json; charset=utf-8; charset=ISO-8859-1", "text/plain", "application/jsonx",
      "application/json; charset='x'", "application/json; charset=foo-bar", "application/json; charset=\"utf-8;x\"",
      "application/json; charset=\"\"", "application/json; charset=utf-8, text/plain"})
  void mcpWhenNotJsonInUtf8Then415(String contentType) throws Exception {
    Charset charset = contentType.contains("IBM037") ? Charset.forName("IBM037")
        : StandardCharsets.UTF_8;
    byte[] body = String.format(WRITE_NOTE, "pwned").getBytes(charset);

    HttpResponse<String> response = postMcpBytes(body, contentType, accessToken("mcp:read"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(415);
    assertThat(response.body()).doesNotContain("subject=");
  }

  @Test
  void mcpWhenCharsetMalformedAndNoTokenThen415NotAContainerError() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json; charset='x'"));

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(json(response).path("error").path("code").asInt()).isEqualTo(-32600);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/authorize", "/authorize/consent"})
  void formPagesWhenCharsetMalformedOrFormUnparseableThenOwnErrorPage(String path) throws Exception {
    HttpResponse<String> charset = post(issuerPath(path), "application/x-www-form-urlencoded; charset='x'", "handle=a");
    HttpResponse<String> form = post(issuerPath(path), "application/x-www-form-urlencoded", "handle=%zz&decision=%ff");

    assertThat(charset.statusCode()).isIn(400, 415);
    assertThat(form.statusCode()).isEqualTo(400);
    assertThat(charset.body() + form.body()).contains("This request cannot be completed").doesNotContain("Exception");
  }

  @Test
  void mcpWhenUtf8DeclaredAndTextNonAsciiThenPassesUntouched() throws Exception {
    String body = String.format(WRITE_NOTE, "caf\u00e9 \ud83d\ude00");

    HttpResponse<String> response = postMcpBytes(body.getBytes(StandardCharsets.UTF_8), "application/json; charset=UTF-8",
        accessToken("mcp:read mcp:write"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("subject=alice\nbody=" + body);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":[\"write_note\"]}}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":12}}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7,\"params\":{\"name\":\"write_note\"}}",
      "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"},\"tools/call\"]",
      "\"tools/call\"",
  })
  void mcpWhenMethodOrToolNotAStringThenHeldToEveryScope(String body) throws Exception {
    HttpResponse<String> response = postMcp(body, accessToken("mcp:read"), Map.of());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).contains("scope=\"mcp:read mcp:write\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"name\":\"write_note\"}}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"method\":\"tools/call\",\"params\":{\"name\":\"write_note\"}}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"} {\"method\":\"tools/call\"}",
      "\ufeff{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"",
  })
  void mcpWhenJsonAmbiguousOrMalformedThen400(String body) throws Exception {
    HttpResponse<String> response = postMcp(body, accessToken("mcp:read mcp:write"), Map.of());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).doesNotContain("subject=");
  }

  @Test
  void mcpWhenOriginForeignThen403AndWhenAllowedThenCors() throws Exception {
    String token = accessToken("mcp:read");

    assertThat(postMcp("{}", token, Map.of("Origin", "http://evil.example")).statusCode()).isEqualTo(403);
    HttpResponse<String> allowed = postMcp("{}", token, Map.of("Origin", "http://localhost:6274"));
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:6274");
    assertThat(allowed.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("WWW-Authenticate");
  }

  @Test
  void mcpWhenHostHeaderForeignThen403() throws Exception {
    URI uri = URI.create(base);
    try (Socket socket = new Socket("127.0.0.1", uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /mcp HTTP/1.1\r\nHost: attacker.example:" + uri.getPort() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertThat(status).contains(" 403");
    }
  }

  // Limits and bad input

  @Test
  void tokenWhenBodyTooLargeThen413() throws Exception {
    HttpResponse<String> response = post(issuerPath("/token"), "application/x-www-form-urlencoded", "a=" + "x".repeat(70_000));

    assertThat(response.statusCode()).isEqualTo(413);
  }

  /** A client writes the whole body before it reads the answer; the server must not reset the connection under it. */
  @ParameterizedTest
  @CsvSource({"/token, false", "/token, true", "/mcp, false", "/mcp, true"})
  void endpointWhenClientSendsAllOfATooLargeBodyThenItReads413AndAnOrderlyClose(String endpoint, boolean chunked)
      throws Exception {
    boolean mcp = endpoint.equals("/mcp");
    byte[] body = "x".repeat(mcp ? 8_000_000 : 1_000_000).getBytes(StandardCharsets.US_ASCII);

    String answer = sendWholeThenRead(mcp ? endpoint : issuerPath(endpoint), mcp ? "application/json"
        : "application/x-www-form-urlencoded", body, chunked, mcp ? accessToken("mcp:read") : null);

    assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("\r\nConnection: close\r\n");
  }

  /**
   * A body that stops arriving gets 408 at the body deadline: a short JSON error or page, the
   * connection closed, no container exception text (before: the container's idle timeout, then a 500
   * naming the container's exception).
   */
  @ParameterizedTest
  @ValueSource(strings = {"/token", "/register", "/revoke", "/introspect", "/authorize", "/authorize/consent"})
  void endpointWhenBodyStopsArrivingThen408AtTheDeadline(String endpoint) throws Exception {
    restart(server -> server, servlets -> servlets.bodyReadTimeout(java.time.Duration.ofSeconds(1)));
    String contentType = endpoint.equals("/register") ? "application/json" : "application/x-www-form-urlencoded";
    int port = URI.create(base).getPort();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(120_000); // generous: the deadline is 1 s, however slow the machine
      socket.getOutputStream().write(("POST " + issuerPath(endpoint) + " HTTP/1.1\r\nHost: localhost:" + port
          + "\r\nContent-Type: " + contentType + "\r\nContent-Length: 100\r\n\r\ngrant_type")
          .getBytes(StandardCharsets.US_ASCII));

      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

      assertThat(answer).startsWith("HTTP/1.1 408").containsIgnoringCase("\r\nConnection: close\r\n")
          .containsIgnoringCase("\r\nX-Content-Type-Options: nosniff\r\n");
      String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
      assertThat(body).contains(endpoint.startsWith("/authorize") ? "<html" : "\"error\":\"invalid_request\"")
          .doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("idle");
    }
  }

  /**
   * A body that cannot be read (malformed chunked framing, or cut off by the client) gets 400 (Jetty)
   * or the connection closed without an answer (Tomcat closes it itself), never an empty 200 (found by
   * attacking the example: the read failed, and the exchange was completed without an answer).
   */
  @ParameterizedTest
  @CsvSource({"/token, chunk", "/token, cut", "/authorize/consent, chunk", "/mcp, chunk", "/mcp, cut"})
  void endpointWhenBodyCannotBeReadThen400OrClosedNeverAnEmpty200(String endpoint, String how) throws Exception {
    boolean mcp = endpoint.equals("/mcp");
    int port = URI.create(base).getPort();
    String head = "POST " + (mcp ? endpoint : issuerPath(endpoint)) + " HTTP/1.1\r\nHost: localhost:" + port
        + "\r\nContent-Type: " + (mcp ? "application/json" : "application/x-www-form-urlencoded")
        + (mcp ? "\r\nAuthorization: Bearer " + accessToken("mcp:read") : "")
        + (how.equals("chunk") ? "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" : "\r\nContent-Length: 100\r\n\r\nabc");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      if (how.equals("cut")) {
        socket.shutdownOutput();
      }

      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

      assertThat(answer).matches("|HTTP/1\\.1 400 (?s).*");
    }
  }

  /**
   * Clients that announce a body and never send it hold no request thread: with more of them waiting
   * than the container has threads, another client's token request is answered at once, while every
   * waiting one is still unanswered (before: it waited for the container's idle timeout to free a thread).
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void endpointWhenManyBodiesStopArrivingThenOtherClientsAreStillServed() throws Exception {
    restart(server -> server, servlets -> servlets.bodyReadTimeout(java.time.Duration.ofMinutes(10)));

    HttpResponse<String> other = whileBodiesStall("POST " + issuerPath("/token") + " HTTP/1.1\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type",
        () -> post(issuerPath("/token"), "application/x-www-form-urlencoded", "grant_type=nonsense"));

    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(json(other).get("error").asText()).isEqualTo("unsupported_grant_type");
  }

  /**
   * Runs {@code call} while three times as many clients as the container has threads have sent {@code
   * head} (a request line, headers and the start of a body: Jetty dispatches once content arrives) and
   * then stalled, and checks that none of those was answered meanwhile.
   */
  HttpResponse<String> whileBodiesStall(String head, java.util.concurrent.Callable<HttpResponse<String>> call)
      throws Exception {
    int port = URI.create(base).getPort();
    String request = head.replaceFirst("\r\n", "\r\nHost: localhost:" + port + "\r\n");
    List<Socket> waiting = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 3 * ServletContainer.MAX_THREADS; i++) {
        Socket socket = new Socket("127.0.0.1", port);
        waiting.add(socket);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      }
      HttpResponse<String> answer = call.call();
      for (Socket socket : waiting) {
        assertThat(socket.getInputStream().available()).as("a waiting client was answered").isZero();
      }
      return answer;
    } finally {
      for (Socket socket : waiting) {
        socket.close();
      }
    }
  }

  @Test
  void registerWhenWrongContentTypeThen415AndWhenMalformedThenInvalidClientMetadata() throws Exception {
    assertThat(post(issuerPath("/register"), "text/plain", "{}").statusCode()).isEqualTo(415);
    HttpResponse<String> malformed = post(issuerPath("/register"), "application/json", "{\"redirect_uris\":[");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json(malformed).get("error").asText()).isEqualTo("invalid_client_metadata");
  }

  @Test
  void tokenWhenGetThen405() throws Exception {
    assertThat(get(issuerPath("/token"), Map.of()).statusCode()).isEqualTo(405);
  }

  // Pages

  @Test
  void authorizeWhenValidThenConsentPageWithProtectiveHeaders() throws Exception {
    HttpResponse<String> page = get(authorizeUrl(register(), pkce().challenge(), "mcp:read"), Map.of());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("frame-ancestors 'none'");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(page.headers().firstValue("Set-Cookie").orElse("")).contains("HttpOnly").containsIgnoringCase("SameSite=Lax");
    assertThat(page.body()).contains("127.0.0.1").contains("mcp:read").contains("your own computer");
  }

  @Test
  void authorizeWhenAppSchemeRedirectAndSpoofingNameThenPageNamesTheSchemeAndEscapesTheName() throws Exception {
    HttpResponse<String> registered = post(issuerPath("/register"), "application/json",
        "{\"redirect_uris\":[\"x-app://claude.ai/cb\"],\"token_endpoint_auth_method\":\"none\","
            + "\"client_name\":\"Claude\u202e \u2066x\"}");
    String clientId = json(registered).get("client_id").asText();
    String url = issuerPath("/authorize") + "?" + form(Map.of("response_type", "code", "client_id", clientId,
        "redirect_uri", "x-app://claude.ai/cb", "code_challenge", pkce().challenge(), "code_challenge_method", "S256",
        "scope", "mcp:read"));

    HttpResponse<String> page = get(url, Map.of());

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("opens <span class=\"host\">x-app:</span> links")
        .contains("Any application on this device can claim")
        .doesNotContain("sent to <span class=\"host\">claude.ai")
        .contains("Claude&lt;U+202E&gt; &lt;U+2066&gt;x")
        .doesNotContain("\u202e").doesNotContain("\u2066");
  }

  @Test
  void authorizeWhenBehindTlsProxyThenHostPrefixedSecureCookie() throws Exception {
    HttpResponse<String> page = get(authorizeUrl(register(), pkce().challenge(), "mcp:read"),
        Map.of("X-Forwarded-Proto", "https"));

    assertThat(page.headers().firstValue("Set-Cookie").orElse(""))
        .startsWith("__Host-mcp-auth-browser=").contains("Secure").contains("Path=/");
  }

  @Test
  void authorizeWhenClientUnknownThenErrorPageNotRedirect() throws Exception {
    HttpResponse<String> page = get(authorizeUrl("no-such-client", pkce().challenge(), "mcp:read"), Map.of());

    assertThat(page.statusCode()).isEqualTo(400);
    assertThat(page.headers().firstValue("Location")).isEmpty();
    assertThat(page.body()).contains("Unknown or expired client");
  }

  @Test
  void consentWhenMetadataDocumentClientThenItsClaimsAreShownEscapedNextToTheVerifiedHost() throws Exception {
    HttpResponse<String> page = get(authorizeUrl(METADATA_CLIENT, pkce().challenge(), "mcp:read"), Map.of());

    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body())
        .contains("published at <span class=\"host\">apps.example.com</span>")
        .contains("&lt;b&gt;Totally Claude&lt;/b&gt;").doesNotContain("<b>Totally Claude</b>")
        .contains("<img class=\"logo\" src=\"https://apps.example.com/logo.png\"")
        .contains("referrerpolicy=\"no-referrer\"")
        .contains("href=\"https://apps.example.com/\"");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("img-src https:")
        .contains("default-src 'none'");
  }

  @Test
  void consentWhenFormTokenForgedThen403() throws Exception {
    HttpResponse<String> page = get(authorizeUrl(register(), pkce().challenge(), "mcp:read"), Map.of());
    String handle = field(page.body(), "handle");

    HttpResponse<String> forged = post(issuerPath("/authorize/consent"), "application/x-www-form-urlencoded",
        form(Map.of("handle", handle, "form_token", "forged", "decision", "approve", "username", "alice", "password", "wonderland")));

    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.headers().firstValue("Location")).isEmpty();
  }

  @Test
  void consentWhenDeniedThenRedirectsWithAccessDenied() throws Exception {
    URI location = consent(register(), pkce().challenge(), "mcp:read", "deny");

    assertThat(location.toString()).startsWith(CALLBACK + "?").contains("error=access_denied").contains("state=xyz");
  }

  /**
   * The consent form is read from the body only: the same fields in the URL's query (where a password
   * would sit in access logs) approve nothing (before: a POST with every field in the query and an
   * empty body was approved; found by attacking the example).
   */
  @Test
  void consentWhenFieldsAreInTheQueryThenNotApproved() throws Exception {
    HttpResponse<String> page = get(authorizeUrl(register(), pkce().challenge(), "mcp:read"), Map.of());
    String fields = form(Map.of("handle", field(page.body(), "handle"), "form_token", field(page.body(), "form_token"),
        "decision", "approve", "username", "alice", "password", "wonderland"));

    HttpResponse<String> answer = post(issuerPath("/authorize/consent") + "?" + fields, "application/x-www-form-urlencoded", "");

    assertThat(answer.statusCode()).isBetween(400, 499);
    assertThat(answer.headers().firstValue("Location")).isEmpty();
  }

  /** More than 64 form fields in all are refused, however they are spread. */
  @Test
  void consentWhenTooManyFieldsThen400() throws Exception {
    HttpResponse<String> answer = post(issuerPath("/authorize/consent"), "application/x-www-form-urlencoded",
        "p=1&".repeat(65) + "decision=approve");

    assertThat(answer.statusCode()).isEqualTo(400);
  }

  @Test
  void consentWhenWrongPasswordThenPageAgainWithError() throws Exception {
    HttpResponse<String> page = get(authorizeUrl(register(), pkce().challenge(), "mcp:read"), Map.of());
    HttpResponse<String> again = post(issuerPath("/authorize/consent"), "application/x-www-form-urlencoded", form(Map.of(
        "handle", field(page.body(), "handle"), "form_token", field(page.body(), "form_token"),
        "decision", "approve", "username", "alice", "password", "wrong")));

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("Wrong user name or password.");
  }

  // Every response

  /**
   * {@code X-Content-Type-Options: nosniff} on a response of each kind the library writes, so that no
   * browser reads a JSON error or document as HTML or script: documents, endpoint answers and errors,
   * preflights, 413s, pages and redirects, and the bearer filter's refusals and what it lets through.
   */
  @Test
  void everyResponseKindWhenWrittenThenNoSniff() throws Exception {
    String token = accessToken("mcp:read");
    Map<String, HttpResponse<String>> responses = new java.util.LinkedHashMap<>();
    responses.put("AS metadata", get("/.well-known/oauth-authorization-server", Map.of()));
    responses.put("protected resource metadata", get("/.well-known/oauth-protected-resource/mcp", Map.of()));
    responses.put("JWKS", get(issuerPath("/jwks"), Map.of()));
    responses.put("document 405", send(HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration"))
        .DELETE()));
    responses.put("preflight", send(HttpRequest.newBuilder(URI.create(base + issuerPath("/token")))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "http://localhost:6274").header("Access-Control-Request-Method", "POST")));
    responses.put("registration 201", post(issuerPath("/register"), "application/json",
        "{\"redirect_uris\":[\"" + CALLBACK + "\"],\"token_endpoint_auth_method\":\"none\"}"));
    responses.put("token 400", post(issuerPath("/token"), "application/x-www-form-urlencoded", "grant_type=nope"));
    responses.put("token 405", get(issuerPath("/token"), Map.of()));
    responses.put("token 413", post(issuerPath("/token"), "application/x-www-form-urlencoded", "a=" + "x".repeat(70_000)));
    HttpResponse<String> page = get(authorizeUrl(register(), pkce().challenge(), "mcp:read"), Map.of());
    responses.put("consent page", page);
    responses.put("error page", get(authorizeUrl("no-such-client", pkce().challenge(), "mcp:read"), Map.of()));
    responses.put("consent redirect", post(issuerPath("/authorize/consent"), "application/x-www-form-urlencoded",
        form(Map.of("handle", field(page.body(), "handle"), "form_token", field(page.body(), "form_token"),
            "decision", "deny"))));
    responses.put("MCP 401", postMcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", null, Map.of()));
    responses.put("MCP 401 invalid_token", postMcp("{}", "not-a-token", Map.of()));
    responses.put("MCP 403 insufficient_scope", postMcp(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"write_note\"}}", token, Map.of()));
    responses.put("MCP 403 Origin", postMcp("{}", token, Map.of("Origin", "https://evil.example")));
    responses.put("MCP 415", send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "text/plain")
        .header("Authorization", "Bearer " + token)));
    responses.put("MCP 413", postMcp("[" + " ".repeat(BearerTokenFilter.MAX_BODY_BYTES) + "]", token, Map.of()));
    responses.put("MCP passed through", postMcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", token, Map.of()));

    org.assertj.core.api.SoftAssertions softly = new org.assertj.core.api.SoftAssertions();
    responses.forEach((kind, response) -> softly.assertThat(response.headers().allValues("X-Content-Type-Options"))
        .as(kind + " (" + response.statusCode() + ")").containsExactly("nosniff"));
    softly.assertAll();
    assertThat(responses.get("consent redirect").statusCode()).isEqualTo(302);
    assertThat(responses.get("MCP 413").statusCode()).isEqualTo(413);
    assertThat(responses.get("MCP 415").statusCode()).isEqualTo(415);
  }

  // Rate limits (RFC 6585 §4) and the source address behind trusted proxies

  @Test
  void registerWhenOverPerAddressLimitThen429SlowDownWithRetryAfterReadableCrossOrigin() throws Exception {
    restart(server -> server.clock(STOPPED_CLOCK).rateLimit(LimitedAction.REGISTRATION, RateLimit.perHour(3)), servlets -> servlets);
    for (int i = 0; i < 3; i++) {
      register();
    }

    HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(base + issuerPath("/register")))
        .header("Content-Type", "application/json").header("Origin", "http://localhost:6274")
        .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"" + CALLBACK + "\"]}")));

    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).contains("1200"); // one registration per 20 minutes
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    assertThat(refused.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(json(refused).get("error").asText()).isEqualTo("slow_down");
  }

  @Test
  void registerWhenForwardedForSentWithoutTrustedProxyThenIgnored() throws Exception {
    restart(server -> server.clock(STOPPED_CLOCK).rateLimit(LimitedAction.REGISTRATION, RateLimit.perHour(1)), servlets -> servlets);
    register();

    HttpResponse<String> spoofed = send(HttpRequest.newBuilder(URI.create(base + issuerPath("/register")))
        .header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100.7")
        .header("Forwarded", "for=198.51.100.8")
        .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"" + CALLBACK + "\"]}")));

    assertThat(spoofed.statusCode()).isEqualTo(429);
  }

  @Test
  void registerWhenThroughTrustedProxyThenCountedByForwardedAddressReadFromTheRight() throws Exception {
    restart(server -> server.clock(STOPPED_CLOCK).rateLimit(LimitedAction.REGISTRATION, RateLimit.perHour(1)),
        servlets -> servlets.trustedProxies("127.0.0.0/8", "::1/128"));

    assertThat(registerFrom("203.0.113.5")).isEqualTo(201);
    assertThat(registerFrom("203.0.113.5")).isEqualTo(429);
    assertThat(registerFrom("198.51.100.7")).isEqualTo(201);
    // What the client wrote left of its own address is not believed: still 203.0.113.5.
    assertThat(registerFrom("192.0.2.99, 203.0.113.5")).isEqualTo(429);
    // A trusted proxy's own entry is skipped: the client is the first untrusted one from the right.
    assertThat(registerFrom("198.51.100.7, 127.0.0.1")).isEqualTo(429);
  }

  @Test
  void authorizeWhenOverPerAddressLimitThen429PageWithRetryAfter() throws Exception {
    restart(server -> server.clock(STOPPED_CLOCK).rateLimit(LimitedAction.AUTHORIZATION, RateLimit.perMinute(1)), servlets -> servlets);
    String url = authorizeUrl(register(), pkce().challenge(), "mcp:read");
    assertThat(get(url, Map.of()).statusCode()).isEqualTo(200);

    HttpResponse<String> refused = get(url, Map.of());

    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).contains("60");
    assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(refused.body()).contains("Too many requests");
  }

  @Test
  void tokenAndIntrospectionWhenOverPerAddressLimitThen429AndRevocationSharesIntrospectionsLimit() throws Exception {
    restart(server -> server.clock(STOPPED_CLOCK).rateLimit(LimitedAction.TOKEN, RateLimit.perMinute(1))
        .rateLimit(LimitedAction.INTROSPECTION_AND_REVOCATION, RateLimit.perMinute(1)), servlets -> servlets);
    String form = "token=x&grant_type=authorization_code&client_id=x";

    assertThat(post(issuerPath("/token"), "application/x-www-form-urlencoded", form).statusCode()).isNotEqualTo(429);
    assertThat(post(issuerPath("/token"), "application/x-www-form-urlencoded", form).statusCode()).isEqualTo(429);
    assertThat(post(issuerPath("/revoke"), "application/x-www-form-urlencoded", form).statusCode()).isNotEqualTo(429);
    assertThat(post(issuerPath("/introspect"), "application/x-www-form-urlencoded", form).statusCode()).isEqualTo(429);
  }

  @Test
  void consentWhenFailedLoginsOverLimitThen429ForKnownAndUnknownUserAlikeWhileOtherUserLogsIn() throws Exception {
    restart(server -> server.clock(STOPPED_CLOCK).rateLimit(LimitedAction.FAILED_LOGIN_PER_USER, RateLimit.perHour(2)), servlets -> servlets);
    String clientId = register();
    for (String user : new String[] {"alice", "nobody"}) {
      assertThat(login(clientId, user, "wrong").statusCode()).isEqualTo(200);
      assertThat(login(clientId, user, "wrong").statusCode()).isEqualTo(200);
    }

    HttpResponse<String> alice = login(clientId, "alice", "wonderland");
    HttpResponse<String> nobody = login(clientId, "nobody", "wonderland");
    HttpResponse<String> bob = login(clientId, "bob", "builder");

    for (HttpResponse<String> refused : List.of(alice, nobody)) {
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).contains("1800");
      assertThat(refused.body()).contains("Too many failed logins. Try again in 1800 seconds.").contains("name=\"password\"");
    }
    assertThat(bob.statusCode()).as(bob.body()).isEqualTo(302);
  }

  @Test
  void consentWhenLoginSucceedsThenItDoesNotCountAsAFailure() throws Exception {
    restart(server -> server.clock(STOPPED_CLOCK).rateLimit(LimitedAction.FAILED_LOGIN_PER_USER, RateLimit.perHour(1)), servlets -> servlets);
    String clientId = register();

    for (int i = 0; i < 3; i++) {
      assertThat(login(clientId, "alice", "wonderland").statusCode()).isEqualTo(302);
    }
    assertThat(login(clientId, "alice", "wrong").statusCode()).isEqualTo(200);
    assertThat(login(clientId, "alice", "wrong").statusCode()).isEqualTo(429);
  }

  // Login sessions and remembered consent

  static final String WEB_CALLBACK = "https://app.example.com/callback";

  @Test
  void loginSessionWhenPasswordCheckedThenHttpOnlyLaxCookieAndNextAuthorizationAsksNoPassword() throws Exception {
    String clientId = register();
    HttpResponse<String> first = login(clientId, "alice", "wonderland");
    assertThat(first.statusCode()).isEqualTo(302);
    String setCookie = first.headers().allValues("Set-Cookie").stream()
        .filter(cookie -> cookie.startsWith("mcp-auth-login=")).findFirst().orElseThrow();
    assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax").contains("Path=/")
        .doesNotContain("wonderland");

    HttpResponse<String> page = get(authorizeUrl(register(), pkce().challenge(), "mcp:read"), Map.of());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Signed in as <strong>alice</strong>").doesNotContain("name=\"password\"");
    Pkce pkce = pkce();
    String secondClient = register();
    HttpResponse<String> approved = approveSignedIn(get(authorizeUrl(secondClient, pkce.challenge(), "mcp:read"), Map.of()), false);
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(302);
    String token = exchange(secondClient, pkce, query(URI.create(approved.headers().firstValue("Location").orElseThrow())).get("code"), CALLBACK);
    assertThat(introspectSubject(token)).isEqualTo("alice");
  }

  @Test
  void loginSessionWhenCookieUnknownOrClientAsksForLoginThenPasswordAsked() throws Exception {
    String clientId = register();
    assertThat(login(clientId, "alice", "wonderland").statusCode()).isEqualTo(302);

    HttpResponse<String> promptLogin = get(authorizeUrl(clientId, pkce().challenge(), "mcp:read") + "&prompt=login", Map.of());
    assertThat(promptLogin.body()).contains("name=\"password\"").doesNotContain("Signed in as");
    assertThat(approveSignedIn(promptLogin, false).body()).contains("Your sign-in has ended. Enter your password.");

    HttpClient stranger = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> forged = stranger.send(HttpRequest.newBuilder(URI.create(base + authorizeUrl(clientId, pkce().challenge(), "mcp:read")))
        .header("Cookie", "mcp-auth-login=" + "A".repeat(43)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.body()).contains("name=\"password\"").doesNotContain("Signed in as");
  }

  @Test
  void loginSessionWhenSignedOutOrUsersGrantRevokedThenPasswordAskedAgain() throws Exception {
    String clientId = register();
    assertThat(login(clientId, "alice", "wonderland").statusCode()).isEqualTo(302);
    HttpResponse<String> signOut = post(issuerPath("/authorize/logout"), "application/x-www-form-urlencoded", "");
    assertThat(signOut.statusCode()).isEqualTo(200);
    assertThat(signOut.headers().allValues("Set-Cookie")).anyMatch(cookie -> cookie.startsWith("mcp-auth-login=;")
        || cookie.startsWith("mcp-auth-login=\"\";") || cookie.contains("Max-Age=0"));
    assertThat(get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of()).body()).contains("name=\"password\"");

    // Signed in again, then one of alice's grants is revoked through the revocation endpoint.
    Pkce pkce = pkce();
    URI redirect = consent(clientId, pkce.challenge(), "mcp:read offline_access", "approve");
    HttpResponse<String> tokens = exchangeResponse(clientId, pkce, query(redirect).get("code"), CALLBACK);
    assertThat(get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of()).body()).contains("Signed in as");
    HttpResponse<String> revoked = post(issuerPath("/revoke"), "application/x-www-form-urlencoded", form(Map.of(
        "token", json(tokens).get("refresh_token").asText(), "client_id", clientId)));
    assertThat(revoked.statusCode()).isEqualTo(200);

    assertThat(get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of()).body())
        .contains("name=\"password\"").doesNotContain("Signed in as");
  }

  @Test
  void rememberedConsentWhenSameClientRedirectAndScopesThenNoPageElseAskedAgain() throws Exception {
    String clientId = registerWith(WEB_CALLBACK);
    HttpResponse<String> page = get(authorizeUrl(clientId, pkce().challenge(), "mcp:read", WEB_CALLBACK), Map.of());
    assertThat(page.body()).contains("name=\"remember\"");
    HttpResponse<String> first = post(issuerPath("/authorize/consent"), "application/x-www-form-urlencoded", form(Map.of(
        "handle", field(page.body(), "handle"), "form_token", field(page.body(), "form_token"), "decision", "approve",
        "username", "alice", "password", "wonderland", "remember", "yes")));
    assertThat(first.statusCode()).isEqualTo(302);

    Pkce pkce = pkce();
    HttpResponse<String> again = get(authorizeUrl(clientId, pkce.challenge(), "mcp:read", WEB_CALLBACK), Map.of());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(302);
    URI location = URI.create(again.headers().firstValue("Location").orElseThrow());
    assertThat(location.toString()).startsWith(WEB_CALLBACK);
    assertThat(introspectSubject(exchange(clientId, pkce, query(location).get("code"), WEB_CALLBACK))).isEqualTo("alice");

    // More scopes, consent prompted, or another client: the page again (signed in, no password).
    for (String url : List.of(authorizeUrl(clientId, pkce().challenge(), "mcp:read mcp:write", WEB_CALLBACK),
        authorizeUrl(clientId, pkce().challenge(), "mcp:read", WEB_CALLBACK) + "&prompt=consent",
        authorizeUrl(registerWith(WEB_CALLBACK), pkce().challenge(), "mcp:read", WEB_CALLBACK))) {
      HttpResponse<String> asked = get(url, Map.of());
      assertThat(asked.statusCode()).as(url).isEqualTo(200);
      assertThat(asked.body()).contains("Signed in as");
    }
  }

  @Test
  void rememberedConsentWhenLoopbackRedirectThenNeitherOfferedNorKept() throws Exception {
    String clientId = register(); // CALLBACK is a loopback redirect: any local program could receive it
    HttpResponse<String> page = get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of());
    assertThat(page.body()).doesNotContain("name=\"remember\"");
    assertThat(post(issuerPath("/authorize/consent"), "application/x-www-form-urlencoded", form(Map.of(
        "handle", field(page.body(), "handle"), "form_token", field(page.body(), "form_token"), "decision", "approve",
        "username", "alice", "password", "wonderland", "remember", "yes"))).statusCode()).isEqualTo(302);

    assertThat(get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of()).statusCode()).isEqualTo(200);
  }

  @Test
  void consentWhenPostedFromAnotherOriginOrSiteThenRefusedEvenWithItsFormTokenAndSession() throws Exception {
    String clientId = register();
    assertThat(login(clientId, "alice", "wonderland").statusCode()).isEqualTo(302);
    for (Map<String, String> headers : List.of(Map.of("Origin", "http://localhost:9999"), Map.of("Origin", "null"),
        Map.of("Sec-Fetch-Site", "same-site"), Map.of("Sec-Fetch-Site", "cross-site", "Origin", base))) {
      HttpResponse<String> page = get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of());
      HttpRequest.Builder forged = HttpRequest.newBuilder(URI.create(base + issuerPath("/authorize/consent")))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("handle", field(page.body(), "handle"),
              "form_token", field(page.body(), "form_token"), "decision", "approve"))));
      headers.forEach(forged::header);
      HttpResponse<String> answer = send(forged);

      assertThat(answer.statusCode()).as(headers.toString()).isEqualTo(403);
      assertThat(answer.headers().firstValue("Location")).isEmpty();
    }
    HttpResponse<String> page = get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of());
    HttpResponse<String> own = send(HttpRequest.newBuilder(URI.create(base + issuerPath("/authorize/consent")))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base).header("Sec-Fetch-Site", "same-origin")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("handle", field(page.body(), "handle"),
            "form_token", field(page.body(), "form_token"), "decision", "approve")))));
    assertThat(own.statusCode()).as(own.body()).isEqualTo(302);
  }

  @Test
  void consentWhenAnotherBrowserKeyCookieIsPlantedBesideTheRealOneThenFormRefused() throws Exception {
    String clientId = register();
    HttpResponse<String> page = get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of());
    String handle = field(page.body(), "handle");
    // A same-site page planted a key it knows (sent first, for its narrower path) and signs the form with it.
    String planted = "P".repeat(43);
    String jar = cookies.getCookieStore().getCookies().stream().map(java.net.HttpCookie::toString)
        .collect(java.util.stream.Collectors.joining("; "));
    HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(URI.create(base + issuerPath("/authorize/consent")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", "mcp-auth-browser=" + planted + "; " + jar)
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("handle", handle,
            "form_token", new BrowserBinding().formToken(planted, handle), "decision", "approve", "username", "alice",
            "password", "wonderland")))).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.body()).contains("did not come from this browser");
  }

  @Test
  void logoutWhenTheSessionCookieComesTwiceThenEachNamedSessionEnds() throws Exception {
    String clientId = register();
    assertThat(login(clientId, "alice", "wonderland").statusCode()).isEqualTo(302);
    String session = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("mcp-auth-login"))
        .findFirst().orElseThrow().getValue();
    HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> signedOut = browser.send(HttpRequest.newBuilder(URI.create(base + issuerPath("/authorize/logout")))
        .header("Cookie", "mcp-auth-login=junk; mcp-auth-login=" + session)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(signedOut.statusCode()).isEqualTo(200);
    assertThat(get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of()).body())
        .contains("name=\"password\"").doesNotContain("Signed in as");
  }

  @Test
  void logoutWhenPostedFromAnotherOriginThenRefusedAndStillSignedIn() throws Exception {
    String clientId = register();
    assertThat(login(clientId, "alice", "wonderland").statusCode()).isEqualTo(302);

    HttpResponse<String> forced = send(HttpRequest.newBuilder(URI.create(base + issuerPath("/authorize/logout")))
        .header("Content-Type", "text/plain").header("Origin", "http://localhost:9999")
        .POST(HttpRequest.BodyPublishers.ofString("x")));

    assertThat(forced.statusCode()).isEqualTo(403);
    assertThat(get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of()).body()).contains("Signed in as");
  }

  @Test
  void consentWhenSignedInAndTheFormNamesAUserTwiceThenNotApprovedAsAnyone() throws Exception {
    String clientId = register();
    assertThat(login(clientId, "alice", "wonderland").statusCode()).isEqualTo(302);
    HttpResponse<String> page = get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of());

    HttpResponse<String> answer = post(issuerPath("/authorize/consent"), "application/x-www-form-urlencoded",
        form(Map.of("handle", field(page.body(), "handle"), "form_token", field(page.body(), "form_token"),
            "decision", "approve")) + "&username=bob&username=bob");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("Wrong user name or password.");
  }

  @Test
  void cookiesWhenAPlantedQuotedPairWrapsTheBrowsersOwnThenTheyAreStillSeenAndThePlantedOnesRefused() throws Exception {
    // Planted by a page of the same site: a browser sends "a=\"x" and "b=y\"" as two cookies around its
    // own, which a parser that reads quoted values across ';' would swallow.
    String clientId = register();
    assertThat(login(clientId, "alice", "wonderland").statusCode()).isEqualTo(302);
    String alice = cookieValue("mcp-auth-login");
    String browserKey = cookieValue("mcp-auth-browser");
    String bob = startSessionOfBob(clientId);
    String wrapped = "mcp-auth-login=" + bob + "; a=\"x; mcp-auth-browser=" + browserKey + "; mcp-auth-login=" + alice
        + "; b=y\"";
    HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(base + authorizeUrl(clientId, pkce().challenge(), "mcp:read")))
        .header("Cookie", wrapped).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).as("two login cookies: neither is believed").doesNotContain("Signed in as")
        .contains("name=\"password\"");

    String planted = "P".repeat(43);
    String handle = field(page.body(), "handle");
    HttpResponse<String> forged = browser.send(HttpRequest.newBuilder(URI.create(base + issuerPath("/authorize/consent")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", "mcp-auth-browser=" + planted + "; a=\"x; mcp-auth-browser=" + browserKey + "; b=y\"")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("handle", handle,
            "form_token", new BrowserBinding().formToken(planted, handle), "decision", "approve", "username", "alice",
            "password", "wonderland")))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).as("two browser keys: the form is refused").isEqualTo(403);

    HttpResponse<String> signOut = browser.send(HttpRequest.newBuilder(URI.create(base + issuerPath("/authorize/logout")))
        .header("Cookie", "a=\"x; mcp-auth-login=" + alice + "; b=y\"").POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(signOut.statusCode()).isEqualTo(200);
    assertThat(get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of()).body())
        .as("alice's session, wrapped in a planted pair, was ended").doesNotContain("Signed in as");
  }

  @Test
  void consentWhenOriginOrFetchSiteSentTwiceThenRefused() throws Exception {
    String clientId = register();
    assertThat(login(clientId, "alice", "wonderland").statusCode()).isEqualTo(302);
    HttpResponse<String> page = get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of());

    HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base + issuerPath("/authorize/consent")))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
        .header("Origin", "http://localhost:9999")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("handle", field(page.body(), "handle"),
            "form_token", field(page.body(), "form_token"), "decision", "approve")))));

    assertThat(answer.statusCode()).isEqualTo(403);
  }

  /** Signs bob in with another client (cookie jar of its own); his session id. */
  String startSessionOfBob(String clientId) throws Exception {
    CookieManager jar = new CookieManager();
    HttpClient bob = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).cookieHandler(jar).build();
    HttpResponse<String> page = bob.send(HttpRequest.newBuilder(URI.create(base + authorizeUrl(clientId, pkce().challenge(), "mcp:read")))
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> approved = bob.send(HttpRequest.newBuilder(URI.create(base + issuerPath("/authorize/consent")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("handle", field(page.body(), "handle"),
            "form_token", field(page.body(), "form_token"), "decision", "approve", "username", "bob",
            "password", "builder")))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(approved.statusCode()).isEqualTo(302);
    return jar.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("mcp-auth-login")).findFirst()
        .orElseThrow().getValue();
  }

  String cookieValue(String name) {
    return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow().getValue();
  }

  /** Approves a consent page without typing a password (signed in), optionally asking to remember. */
  HttpResponse<String> approveSignedIn(HttpResponse<String> page, boolean remember) throws Exception {
    Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of("handle", field(page.body(), "handle"),
        "form_token", field(page.body(), "form_token"), "decision", "approve"));
    if (remember) {
      fields.put("remember", "yes");
    }
    return post(issuerPath("/authorize/consent"), "application/x-www-form-urlencoded", form(fields));
  }

  String registerWith(String redirectUri) throws Exception {
    HttpResponse<String> response = post(issuerPath("/register"), "application/json",
        "{\"redirect_uris\":[\"" + redirectUri + "\"],\"token_endpoint_auth_method\":\"none\",\"client_name\":\"Web app\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return json(response).get("client_id").asText();
  }

  String authorizeUrl(String clientId, String challenge, String scope, String redirectUri) {
    return issuerPath("/authorize") + "?" + form(Map.of("response_type", "code", "client_id", clientId,
        "redirect_uri", redirectUri, "code_challenge", challenge, "code_challenge_method", "S256", "state", "xyz",
        "scope", scope, "resource", base + "/mcp"));
  }

  HttpResponse<String> exchangeResponse(String clientId, Pkce pkce, String code, String redirectUri) throws Exception {
    return post(issuerPath("/token"), "application/x-www-form-urlencoded", form(Map.of(
        "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri, "code_verifier", pkce.verifier(),
        "client_id", clientId, "resource", base + "/mcp")));
  }

  String exchange(String clientId, Pkce pkce, String code, String redirectUri) throws Exception {
    HttpResponse<String> tokens = exchangeResponse(clientId, pkce, code, redirectUri);
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    return json(tokens).get("access_token").asText();
  }

  /** The subject of an access token (a JWT), read from its payload. */
  static String introspectSubject(String accessToken) throws Exception {
    return com.nimbusds.jwt.SignedJWT.parse(accessToken).getJWTClaimsSet().getSubject();
  }

  int registerFrom(String forwardedFor) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + issuerPath("/register")))
        .header("Content-Type", "application/json").header("X-Forwarded-For", forwardedFor)
        .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"" + CALLBACK + "\"]}"))).statusCode();
  }

  /** A fresh authorization request, then its consent form submitted with these credentials. */
  HttpResponse<String> login(String clientId, String username, String password) throws Exception {
    HttpResponse<String> page = get(authorizeUrl(clientId, pkce().challenge(), "mcp:read"), Map.of());
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    return post(issuerPath("/authorize/consent"), "application/x-www-form-urlencoded", form(Map.of(
        "handle", field(page.body(), "handle"), "form_token", field(page.body(), "form_token"),
        "decision", "approve", "username", username, "password", password)));
  }

  // Helpers: a client, a user at the consent page, the token endpoint.

  record Pkce(String verifier, String challenge) {}

  static Pkce pkce() {
    CodeVerifier verifier = new CodeVerifier();
    return new Pkce(verifier.getValue(), CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue());
  }

  String issuerPath(String endpoint) {
    return issuerPath() + endpoint;
  }

  String register() throws Exception {
    HttpResponse<String> response = post(issuerPath("/register"), "application/json",
        "{\"redirect_uris\":[\"" + CALLBACK + "\"],\"token_endpoint_auth_method\":\"none\",\"client_name\":\"Adapter test\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return json(response).get("client_id").asText();
  }

  String authorizeUrl(String clientId, String challenge, String scope) {
    return issuerPath("/authorize") + "?" + form(Map.of("response_type", "code", "client_id", clientId,
        "redirect_uri", CALLBACK, "code_challenge", challenge, "code_challenge_method", "S256", "state", "xyz",
        "scope", scope, "resource", base + "/mcp"));
  }

  URI consent(String clientId, String challenge, String scope, String decision) throws Exception {
    return consent(clientId, challenge, scope, decision, "alice", "wonderland");
  }

  URI consent(String clientId, String challenge, String scope, String decision, String user, String password)
      throws Exception {
    HttpResponse<String> page = get(authorizeUrl(clientId, challenge, scope), Map.of());
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    HttpResponse<String> answer = post(issuerPath("/authorize/consent"), "application/x-www-form-urlencoded", form(Map.of(
        "handle", field(page.body(), "handle"), "form_token", field(page.body(), "form_token"),
        "decision", decision, "username", user, "password", password)));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
    return URI.create(answer.headers().firstValue("Location").orElseThrow());
  }

  String accessToken(String scope) throws Exception {
    return accessToken(scope, "alice", "wonderland");
  }

  /** A token of {@code user}, through a client registered for it. */
  String accessToken(String scope, String user, String password) throws Exception {
    String clientId = register();
    Pkce pkce = pkce();
    URI redirect = consent(clientId, pkce.challenge(), scope, "approve", user, password);
    String code = query(redirect).get("code");
    HttpResponse<String> tokens = post(issuerPath("/token"), "application/x-www-form-urlencoded", form(Map.of(
        "grant_type", "authorization_code", "code", code, "redirect_uri", CALLBACK, "code_verifier", pkce.verifier(),
        "client_id", clientId, "resource", base + "/mcp")));
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    assertThat(tokens.headers().firstValue("Cache-Control")).contains("no-store");
    return json(tokens).get("access_token").asText();
  }

  /**
   * Writes the whole request, its body with a length or in chunks, then reads the answer up to the end
   * of the connection. The small send buffer keeps the client sending while the server answers, as on
   * a slow link: if the server then resets the connection, the write fails.
   */
  String sendWholeThenRead(String path, String contentType, byte[] body, boolean chunked) throws Exception {
    return sendWholeThenRead(path, contentType, body, chunked, null);
  }

  String sendWholeThenRead(String path, String contentType, byte[] body, boolean chunked, String token) throws Exception {
    int port = URI.create(base).getPort();
    try (Socket socket = new Socket()) {
      socket.setSendBufferSize(64 * 1024);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: " + contentType + "\r\n"
          + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
          + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      if (!chunked) {
        out.write(body);
      } else {
        for (int offset = 0; offset < body.length; offset += 65536) {
          int length = Math.min(65536, body.length - offset);
          out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(body, offset, length);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** The status line and headers of an answer, read byte by byte up to the blank line. */
  static String readHead(Socket socket) throws Exception {
    StringBuilder head = new StringBuilder();
    java.io.InputStream in = socket.getInputStream();
    int b;
    while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) != -1) {
      head.append((char) b);
    }
    return head.toString();
  }

  HttpResponse<String> postMcp(String body, String token, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/mcp"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    return send(request);
  }

  HttpResponse<String> postMcpBytes(byte[] body, String contentType, String token) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + "/mcp")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", contentType).header("Authorization", "Bearer " + token));
  }

  HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    headers.forEach(request::header);
    return send(request);
  }

  HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  static String form(Map<String, String> values) {
    return values.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static String field(String html, String name) {
    Matcher matcher = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
    assertThat(matcher.find()).as("field " + name + " in page").isTrue();
    return matcher.group(1);
  }

  static Map<String, String> query(URI uri) {
    return java.util.Arrays.stream(uri.getRawQuery().split("&")).map(pair -> pair.split("=", 2))
        .collect(Collectors.toMap(p -> p[0], p -> java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8), (a, b) -> a));
  }
}
