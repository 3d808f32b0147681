package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official MCP TypeScript SDK client ({@code @modelcontextprotocol/sdk} 1.x, its {@code
 * StreamableHTTPClientTransport} with an {@code OAuthClientProvider}) against the example server,
 * with a headless driver that submits the login and consent form as a browser would. See {@code
 * src/test/node/ts-client-flow.mjs}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // Node clients get up to 4 min each (NodeProcess); some tests run several
class TypeScriptClientTest {
  private static ExampleServer server;

  @BeforeAll
  static void start() throws Exception {
    server = ExampleServer.start(ExampleOptions.parse(Map.of(), "--port", "0", "--user", "alice:wonderland"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void officialClientWhenConnectingThenCompletesDiscoveryAuthorizationRefreshAndStepUp() throws Exception {
    NodeProcess.Result result = NodeProcess.node(180, "ts-client-flow.mjs",
        server.mcpEndpoint().toString(), "alice", "wonderland");
    JsonNode report = new ObjectMapper().readTree(result.lastLine());
    assertThat(report.path("ok").asBoolean()).as(result.stdout() + result.stderr()).isTrue();

    // The discovery dance, in order: 401 -> PRM -> AS metadata -> registration -> authorize -> token.
    List<String> exchanges = ClientReport.exchanges(report);
    assertThat(exchanges).containsSubsequence(
        "POST /mcp 401",
        "GET /.well-known/oauth-protected-resource/mcp 200",
        "GET /.well-known/oauth-authorization-server 200",
        "POST /register 201",
        "GET /authorize 200",
        "POST /authorize/consent 302",
        "POST /token 200",
        "POST /mcp 200");
    assertThat(report.get("http").get(0).get("challenge").asText())
        .contains("resource_metadata=\"" + server.baseUrl() + "/.well-known/oauth-protected-resource/mcp\"")
        .contains("scope=\"mcp:read\"");

        JsonNode authorize = ClientReport.step(report, "authorize");
    assertThat(authorize.get("resource").asText()).isEqualTo(server.mcpEndpoint().toString());
    assertThat(authorize.get("iss").asText()).isEqualTo(server.baseUrl());
    assertThat(ClientReport.step(report, "token").get("hasRefreshToken").asBoolean()).isTrue();
    assertThat(ClientReport.step(report, "tools/list").get("tools")).extracting(JsonNode::asText).containsExactly("whoami", "write_note");
    JsonNode whoami = ClientReport.step(report, "whoami");
    assertThat(whoami.get("subject").asText()).isEqualTo("alice");
    assertThat(whoami.get("scopes")).extracting(JsonNode::asText).containsExactly("mcp:read");
    assertThat(ClientReport.step(report, "refresh").get("rotated").asBoolean()).isTrue();

    // Step-up: 403 insufficient_scope names every scope write_note needs; the client re-authorizes with them.
    assertThat(exchanges).anyMatch(e -> e.equals("POST /mcp 403"));
    assertThat(ClientReport.step(report, "step-up").get("scope").asText()).isEqualTo("mcp:read mcp:write");
    JsonNode written = ClientReport.step(report, "write_note");
    assertThat(written.get("text").asText()).isEqualTo("Saved a note for alice: hello");
    assertThat(written.get("scopes")).extracting(JsonNode::asText).containsExactly("mcp:read", "mcp:write");
  }

}
