package dev.mcpauth.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.token.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The framework-neutral decisions about a request to the MCP endpoint, with real tokens from the
 * embedded authorization server. The servlet adapter's contract tests check the same on the wire.
 */
class McpGuardTest {
  private static final String METADATA = "https://as.example.com/.well-known/oauth-protected-resource/mcp";
  private final TestServer test = TestServer.create();
  private final McpGuard guard = new McpGuard(test.server.verifier(TestServer.RESOURCE), METADATA,
      ScopePolicy.builder().always("mcp:read").tool("write_note", "mcp:write").build(),
      OriginGuard.forResource(TestServer.RESOURCE));
  private final Map<String, List<String>> headers = new HashMap<>();

  McpGuardTest() {
    header("Host", "as.example.com");
  }

  @Test
  void checkHeadersWhenNoTokenThenChallengeNamesMetadataAndAlwaysScopes() {
    EndpointResponse response = respond("POST", "Content-Type", "application/json");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate"))
        .contains("Bearer resource_metadata=\"" + METADATA + "\", scope=\"mcp:read\"");
    assertThat(Json.parse(response.body()).get("error").asText()).isEqualTo("unauthorized");
  }

  @Test
  void checkHeadersWhenTokenInvalidThenInvalidTokenChallenge() {
    EndpointResponse response = respond("GET", "Authorization", "Bearer not-a-token");

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
  }

  @Test
  void checkHeadersWhenTwoAuthorizationHeadersThenNoTokenIsTaken() {
    String token = accessToken();
    header("Authorization", "Bearer " + token);

    EndpointResponse response = respond("GET", "Authorization", "Bearer " + token);

    assertThat(response.status()).isEqualTo(401);
  }

  @Test
  void checkHeadersWhenForeignHostOrOriginOrTwoOriginsThen403() {
    replace("Host", "evil.example");
    assertThat(respond("GET", "Authorization", "Bearer " + accessToken()).status()).isEqualTo(403);

    replace("Host", "as.example.com");
    assertThat(respond("GET", "Origin", "https://evil.example").status()).isEqualTo(403);

    headers.remove("origin");
    header("Origin", "https://as.example.com");
    assertThat(respond("GET", "Origin", "https://as.example.com").status()).isEqualTo(403);
  }

  @Test
  void checkHeadersWhenPreflightFromOwnOriginThen204WithCorsHeaders() {
    header("Origin", "https://as.example.com");

    EndpointResponse response = respond("OPTIONS", "Access-Control-Request-Method", "POST");

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.header("Access-Control-Allow-Origin")).contains("https://as.example.com");
    assertThat(response.header("Access-Control-Allow-Headers").orElseThrow()).contains("Mcp-Session-Id");
  }

  @Test
  void checkHeadersWhenUnknownMethodThen405WithAllow() {
    EndpointResponse response = respond("PUT", "Authorization", "Bearer " + accessToken());

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.header("Allow")).contains(McpGuard.ALLOWED_METHODS);
  }

  @Test
  void checkHeadersWhenBodyNotJsonInUtf8Then415BeforeTheToken() {
    EndpointResponse response = respond("POST", "Content-Type", "application/json; charset=ISO-8859-1");

    assertThat(response.status()).isEqualTo(415);
    assertThat(Json.parse(response.body()).get("error").get("code").isInt()).isTrue();
  }

  @Test
  void checkCallsWhenToolNeedsMoreScopeThen403NamingEveryScope() {
    McpGuard.Proceed proceed = proceed(accessToken());
    byte[] call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"write_note\"}}"
        .getBytes(StandardCharsets.UTF_8);

    EndpointResponse response = guard.checkCalls(proceed.token(), call);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.header("WWW-Authenticate").orElseThrow())
        .contains("scope=\"mcp:read mcp:write\"", "error=\"insufficient_scope\"");
  }

  @Test
  void checkCallsWhenReadOnlyToolThenAllowed() {
    McpGuard.Proceed proceed = proceed(accessToken());
    byte[] call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"read_note\"}}"
        .getBytes(StandardCharsets.UTF_8);

    assertThat(guard.checkCalls(proceed.token(), call)).isNull();
  }

  @Test
  void jsonRpcErrorWhenMessageHasQuotesThenBodyStaysValidJson() {
    EndpointResponse response = McpGuard.jsonRpcError(400, -32700, "bad \"input\" \\ here");

    JsonNode body = Json.parse(response.body());
    assertThat(body.get("error").get("message").asText()).isEqualTo("bad \"input\" \\ here");
    assertThat(body.get("id").isNull()).isTrue();
  }

  @Test
  void proceedWhenOriginAllowedThenCarriesCorsHeadersForTheAnswer() {
    header("Origin", "https://as.example.com");

    McpGuard.Proceed proceed = proceed(accessToken());

    assertThat(proceed.responseHeaders()).containsEntry("Access-Control-Allow-Origin", "https://as.example.com");
    VerifiedToken token = proceed.token();
    assertThat(token.scopes()).contains("mcp:read");
  }

  private String accessToken() {
    return test.tokens(test.registerPublic("http://127.0.0.1:9999/cb")).accessToken();
  }

  private McpGuard.Proceed proceed(String token) {
    header("Authorization", "Bearer " + token);
    McpGuard.Decision decision = guard.checkHeaders("GET", this::values);
    assertThat(decision).isInstanceOf(McpGuard.Proceed.class);
    return (McpGuard.Proceed) decision;
  }

  private EndpointResponse respond(String method, String name, String value) {
    header(name, value);
    McpGuard.Decision decision = guard.checkHeaders(method, this::values);
    assertThat(decision).isInstanceOf(McpGuard.Respond.class);
    return ((McpGuard.Respond) decision).response();
  }

  private void header(String name, String value) {
    headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>()).add(value);
  }

  private void replace(String name, String value) {
    headers.remove(name.toLowerCase(Locale.ROOT));
    header(name, value);
  }

  private List<String> values(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }
}
