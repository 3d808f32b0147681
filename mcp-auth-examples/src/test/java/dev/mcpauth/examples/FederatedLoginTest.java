package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.upstream.UpstreamTokenSealer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The federated login end to end: the example's embedded authorization server with
 * mock-oauth2-server (its own JVM) as the upstream OpenID provider, configured by a metadata file
 * as for a provider without discovery (the proxy test discovers), driven by the official
 * TypeScript SDK client. The user consents to the client here, signs in upstream, and the client
 * gets this server's tokens; a tool calls the provider's user info endpoint with the user's
 * upstream token, which the client never sees.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // Node clients get up to 4 min each (NodeProcess); some tests run several
class FederatedLoginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static MockIssuer upstream;
  private static ExampleServer server;

  @BeforeAll
  static void start() throws Exception {
    // Its ID tokens must name this server's client at the provider as their audience.
    upstream = new MockIssuer(SharedStoreReplicasContract.freePort(), "mcp-auth-proxy").start("RS256");
    // Configured as for a provider without discovery: its metadata in a file.
    Path metadata = Files.createTempFile("upstream-metadata", ".json");
    Files.writeString(metadata, HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(upstream.issuer() + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString()).body());
    server = ExampleServer.start(ExampleOptions.parse(
        Map.of("IDENTITY_SERVER_METADATA_FILE", metadata.toString(), "IDENTITY_CLIENT_ID", "mcp-auth-proxy",
            "IDENTITY_CLIENT_SECRET", "upstream-secret", "IDENTITY_SCOPE", "openid profile",
            "MCP_AUTH_UPSTREAM_TOKEN_KEY", UpstreamTokenSealer.newKey()),
        "--port", "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  @Test
  void officialClientWhenTheLoginIsFederatedThenConsentHereSignInUpstreamAndOnlyLocalTokensReachTheClient()
      throws Exception {
    NodeProcess.Result result = NodeProcess.node(180, "ts-client-flow.mjs", server.mcpEndpoint().toString(), "carol", "",
        "{\"login\":\"federated\",\"upstreamTool\":\"upstream_userinfo\"}");
    JsonNode report = JSON.readTree(result.lastLine());
    assertThat(report.path("ok").asBoolean()).as(result.stdout() + result.stderr()).isTrue();

    List<String> exchanges = ClientReport.exchanges(report);
    String issuerPath = "/" + MockIssuer.ISSUER_ID;
    assertThat(exchanges).containsSubsequence(
        "POST /mcp 401",
        "POST /register 201",
        "GET /authorize 200",                       // consent for this client, here, first
        "POST /authorize/consent 302",              // then off to the provider
        "GET " + issuerPath + "/authorize 200",
        "POST " + issuerPath + "/authorize 302",    // signed in upstream
        "GET /interaction/identity/callback 302",   // back here: code for the client
        "POST /token 200",
        "POST /mcp 200");
        assertThat(ClientReport.step(report, "whoami").get("subject").asText()).as("the upstream subject").isEqualTo("carol");
    assertThat(ClientReport.step(report, "refresh").get("rotated").asBoolean()).isTrue();
    assertThat(ClientReport.step(report, "write_note").get("text").asText()).isEqualTo("Saved a note for carol: hello");
    JsonNode userinfo = ClientReport.step(report, "upstream_userinfo");
    assertThat(userinfo.get("isError").asBoolean()).as(userinfo.toString()).isFalse();
    assertThat(userinfo.get("text").asText()).startsWith("HTTP 200").contains("\"sub\"").contains("carol");
    // What the client holds is this server's token, not the provider's.
    assertThat(ClientReport.step(report, "client-tokens").get("issuer").asText()).isEqualTo(server.baseUrl());
  }

  @Test
  void callbackWhenIssIsSentTwiceThenRefusedAndNoCodeReachesTheClient() throws Exception {
    Callback callback = signInUpstream("dave");
    String query = callback.query().replaceAll("(^|&)iss=[^&]*", "");

    // RFC 9207 §2.4 and RFC 6749 §3.1: one iss, the provider's; a repeated one is not dropped.
    HttpResponse<String> twice = callback.send(query + "&iss=evil&iss=evil2");
    assertThat(twice.statusCode()).as(twice.headers().map().toString()).isEqualTo(400);
    assertThat(twice.headers().firstValue("Location")).isEmpty();
    assertThat(twice.body()).contains("more than once");

    Callback another = signInUpstream("dave");
    String state = "state=" + URLEncoder.encode(another.state(), StandardCharsets.UTF_8);
    HttpResponse<String> stateTwice = another.send(another.query() + "&" + state);
    assertThat(stateTwice.statusCode()).isEqualTo(400);
    assertThat(stateTwice.headers().firstValue("Location")).isEmpty();
  }

  /** The provider's redirect back to this server, not followed yet, and the cookies of the browser. */
  private record Callback(String path, String query, String state, String cookies) {
    HttpResponse<String> send(String query) throws Exception {
      return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path + "?" + query))
          .header("Cookie", cookies).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** A browser: consent here, sign in upstream as {@code user}; returns the redirect to the callback. */
  private static Callback signInUpstream(String user) throws Exception {
    HttpResponse<String> registered = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/register"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"redirect_uris\":[\"" + PublicHost.REDIRECT_URI + "\"],\"token_endpoint_auth_method\":\"none\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    String clientId = JSON.readTree(registered.body()).get("client_id").asText();
    String query = form(Map.of("response_type", "code", "client_id", clientId, "redirect_uri", PublicHost.REDIRECT_URI,
        "code_challenge", PublicHost.challenge("v".repeat(43)), "code_challenge_method", "S256", "state", "s1",
        "scope", "mcp:read", "resource", server.mcpEndpoint().toString()));
    HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/authorize?" + query))
        .build(), HttpResponse.BodyHandlers.ofString());
    List<String> cookies = new ArrayList<>(cookies(page));
    String action = field(page.body(), "<form method=\"post\" action=\"([^\"]+)\"").replace("&amp;", "&");
    HttpResponse<String> consented = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl()).resolve(action))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", String.join("; ", cookies))
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("handle", field(page.body(), "name=\"handle\" value=\"([^\"]*)\""),
            "form_token", field(page.body(), "name=\"form_token\" value=\"([^\"]*)\""), "decision", "approve"))))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(consented.statusCode()).as(consented.body()).isEqualTo(302);
    cookies.addAll(cookies(consented));
    URI upstreamLogin = URI.create(consented.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> signedIn = HTTP.send(HttpRequest.newBuilder(upstreamLogin)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", user, "claims", "{}")))).build(),
        HttpResponse.BodyHandlers.ofString());
    URI back = URI.create(signedIn.headers().firstValue("Location").orElseThrow());
    String state = TestServer.query(back).get("state");
    return new Callback(back.getRawPath(), back.getRawQuery(), state, String.join("; ", cookies));
  }

  private static List<String> cookies(HttpResponse<?> response) {
    return response.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0]).toList();
  }

  private static String field(String html, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(html);
    assertThat(matcher.find()).as("%s in %s", regex, html).isTrue();
    return matcher.group(1);
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

}
