package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The login and consent page in a real headless Chromium (see {@code
 * src/test/node/browser-consent.mjs}): approve, wrong password then retry, a signed-in browser asked
 * for no password until it signs out, deny, the page framed by another site, and the error page for
 * an unknown client. The code the browser brings back is then
 * redeemed here, so the whole front channel is proven with a real browser's cookies, form handling,
 * redirects and frame blocking. Screenshots and the script's findings land in {@code
 * target/screenshots}.
 */
class BrowserConsentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("MCP_AUTH_CHROMIUM", "/usr/bin/chromium"));
  private static final Path SCREENSHOTS = Path.of("target/screenshots").toAbsolutePath();

  private static ExampleServer server;
  /** The client's loopback redirect listener, as a desktop MCP client runs one; records each query. */
  private static HttpServer callback;
  private static final List<String> CALLBACK_QUERIES = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = ExampleServer.start(ExampleOptions.parse(Map.of(), "--port", "0", "--user", "alice:wonderland"));
    callback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    callback.createContext("/callback", exchange -> {
      CALLBACK_QUERIES.add(exchange.getRequestURI().getRawQuery());
      byte[] page = "<!doctype html><title>Done</title><p>You may close this window.".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html;charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    callback.start();
  }

  @AfterAll
  static void stop() {
    if (callback != null) {
      callback.stop(0);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void userInChromiumWhenApprovingDenyingOrMistypingThenIsRedirectedOnlyAsConsentedAndPageRefusesFraming()
      throws Exception {
    // Here rather than in @BeforeAll, where Surefire would report the skip as zero tests run.
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Chromium not installed: apt-get install chromium (the CI script does)");
    String base = server.baseUrl();
    String redirectUri = "http://127.0.0.1:" + callback.getAddress().getPort() + "/callback";
    String clientId = register(redirectUri);
    CodeVerifier verifier = new CodeVerifier();

    Map<String, String> config = new LinkedHashMap<>();
    config.put("clientId", clientId);
    config.put("redirectUri", redirectUri);
    config.put("codeChallenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue());
    config.put("screenshots", SCREENSHOTS.toString());
    config.put("chromium", CHROMIUM.toString());
    Files.createDirectories(SCREENSHOTS);
    NodeProcess.Result result = NodeProcess.node(60, "browser-consent.mjs", base, JSON.writeValueAsString(config));
    Files.writeString(SCREENSHOTS.resolve("findings.json"), result.stdout() + result.stderr()); // for CI artifacts
    JsonNode report = JSON.readTree(result.lastLine());
    assertThat(report.path("ok").asBoolean()).as(result.stdout() + result.stderr()).isTrue();
    assertThat(result.exitCode()).isZero();

    JsonNode approve = report.get("approve");
    assertThat(approve.get("status").asInt()).isEqualTo(200);
    assertThat(approve.get("heading").asText()).isEqualTo("Authorize Browser test");
    assertThat(approve.get("warning").asText())
        .isEqualTo("This application receives the answer on your own computer (http://127.0.0.1:"
            + URI.create(redirectUri).getPort() + "). "
            + "Approve only if you started it yourself just now.");
    assertThat(approve.get("scopes")).extracting(JsonNode::asText).containsExactly("mcp:read");
    assertThat(approve.get("buttons")).extracting(JsonNode::asText).containsExactly("Deny", "Approve");
    assertThat(approve.get("callback").asText()).startsWith(redirectUri + "?");
    assertThat(approve.get("state").asText()).isEqualTo("s1");
    assertThat(approve.get("iss").asText()).isEqualTo(base);
    assertThat(approve.get("callbacks").asInt()).isEqualTo(1);

    JsonNode wrong = report.get("wrongPassword");
    assertThat(wrong.get("error").asText()).isEqualTo("Wrong user name or password.");
    assertThat(wrong.get("url").asText()).isEqualTo(base + "/authorize/consent");
    assertThat(wrong.get("redirectedAfterError").asBoolean()).isFalse();
    assertThat(wrong.get("usernameKept").asText()).isEqualTo("alice");
    assertThat(wrong.get("retryCode").asBoolean()).isTrue();
    assertThat(wrong.get("retryState").asText()).isEqualTo("s2");

    JsonNode signedIn = report.get("signedIn");
    assertThat(signedIn.get("signedInAs").asText()).startsWith("Signed in as alice.");
    assertThat(signedIn.get("passwordFields").asInt()).isZero();
    assertThat(signedIn.get("cookieVisibleToScript").asBoolean()).isFalse();
    assertThat(signedIn.get("cookieHttpOnly").asBoolean()).isTrue();
    assertThat(signedIn.get("cookieSameSite").asText()).isEqualTo("Lax");
    assertThat(signedIn.get("secondCode").asBoolean()).isTrue();
    assertThat(signedIn.get("afterSignOut").get("passwordFields").asInt()).isEqualTo(1);
    assertThat(signedIn.get("callbacks").asInt()).isEqualTo(2);

    JsonNode deny = report.get("deny");
    assertThat(deny.get("error").asText()).isEqualTo("access_denied");
    assertThat(deny.get("state").asText()).isEqualTo("s3");
    assertThat(deny.get("iss").asText()).isEqualTo(base);
    assertThat(deny.has("code")).isFalse();

    // The server answered the framed request, but Chromium would not show it inside another site,
    // while the control frame (a document of the same server without those headers) did render.
    JsonNode framed = report.get("framed");
    assertThat(framed.get("controlRendered").asBoolean()).isTrue();
    assertThat(framed.get("status").asInt()).isEqualTo(200);
    assertThat(framed.get("failure").asText()).isEqualTo("net::ERR_BLOCKED_BY_RESPONSE");
    assertThat(framed.get("xFrameOptions").asText()).isEqualTo("DENY");
    assertThat(framed.get("contentSecurityPolicy").asText()).contains("frame-ancestors 'none'");
    assertThat(framed.get("formsInFrame").asInt()).isZero();
    assertThat(framed.get("frameUrl").asText()).doesNotStartWith(base);
    assertThat(framed.get("refusal").asText()).contains("frame-ancestors 'none'");
    assertThat(framed.get("callbacks").asInt()).isZero();

    JsonNode error = report.get("errorPage");
    assertThat(error.get("status").asInt()).isEqualTo(400);
    assertThat(error.get("heading").asText()).isEqualTo("This request cannot be completed");
    assertThat(error.get("error").asText()).isEqualTo("Unknown or expired client.");
    assertThat(error.get("forms").asInt()).isZero();
    assertThat(error.get("callbacks").asInt()).isZero();

    // The client's listener got exactly the five redirects the user consented or refused to, once each.
    assertThat(CALLBACK_QUERIES).hasSize(5);
    assertThat(CALLBACK_QUERIES.get(0)).contains("code=" + approve.get("code").asText()).contains("state=s1");
    assertThat(CALLBACK_QUERIES.get(1)).contains("code=").contains("state=s2");
    assertThat(CALLBACK_QUERIES.get(2)).contains("code=").contains("state=s4");
    assertThat(CALLBACK_QUERIES.get(3)).contains("code=").contains("state=s5");
    assertThat(CALLBACK_QUERIES.get(4)).contains("error=access_denied").contains("state=s3").doesNotContain("code=");

    // The code the browser brought back is real: it redeems for tokens with the PKCE verifier.
    HttpResponse<String> token = post("/token", "application/x-www-form-urlencoded", form(Map.of(
        "grant_type", "authorization_code",
        "code", approve.get("code").asText(),
        "redirect_uri", redirectUri,
        "code_verifier", verifier.getValue(),
        "client_id", clientId,
        "resource", server.mcpEndpoint().toString())));
    assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
    JsonNode tokens = JSON.readTree(token.body());
    assertThat(tokens.path("access_token").asText()).isNotEmpty();
    assertThat(tokens.path("token_type").asText()).isEqualToIgnoringCase("Bearer");
    assertThat(tokens.path("scope").asText()).isEqualTo("mcp:read");
  }

  /** Registers a public client (PKCE, no secret) with a loopback redirect, as a desktop MCP client does. */
  private static String register(String redirectUri) throws IOException, InterruptedException {
    String body = JSON.writeValueAsString(Map.of(
        "client_name", "Browser test",
        "redirect_uris", List.of(redirectUri),
        "token_endpoint_auth_method", "none"));
    HttpResponse<String> response = post("/register", "application/json", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JSON.readTree(response.body()).get("client_id").asText();
  }

  private static HttpResponse<String> post(String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
