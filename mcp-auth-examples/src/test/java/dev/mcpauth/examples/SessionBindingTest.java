package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MCP sessions of the example's real MCP server (the official MCP Java SDK) belong to the user and
 * client that opened them: alice's {@code Mcp-Session-Id} with bob's valid token gets 404, as an
 * unknown session does, while alice's own token is served. Before, bob was answered 200 with alice's
 * session's tool list.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SessionBindingTest {
  private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

  private static ExampleServer server;
  private static PublicHost host;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    server = ExampleServer.start(ExampleOptions.parse(Map.of(), "--port", "0", "--user", "alice:wonderland",
        "--user", "bob:builder"));
    URI base = URI.create(server.baseUrl());
    port = base.getPort();
    host = new PublicHost(base.getRawAuthority());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void mcpWhenBobPresentsAlicesSessionThen404AndAliceIsStillServed() throws Exception {
    String alice = token("alice", "wonderland");
    String bob = token("bob", "builder");
    McpHttp.Answer opened = McpHttp.post(server.mcpEndpoint(), alice, null, """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
         "capabilities":{},"clientInfo":{"name":"session-test","version":"1"}}}""");
    String session = opened.result().path("session").asText();
    McpHttp.post(server.mcpEndpoint(), alice, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

    McpHttp.Answer asBob = McpHttp.post(server.mcpEndpoint(), bob, session, TOOLS_LIST);
    McpHttp.Answer whoamiAsBob = McpHttp.post(server.mcpEndpoint(), bob, session,
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"arguments\":{}}}");
    McpHttp.Answer asAlice = McpHttp.post(server.mcpEndpoint(), alice, session, TOOLS_LIST);

    assertThat(opened.status()).isEqualTo(200);
    assertThat(session).isNotEmpty();
    assertThat(asBob.status()).as(asBob.result().toString()).isEqualTo(404);
    assertThat(asBob.result().path("message").has("result")).isFalse();
    assertThat(whoamiAsBob.status()).isEqualTo(404);
    assertThat(asAlice.status()).isEqualTo(200);
    assertThat(asAlice.result().path("message").path("result").path("tools").toString()).contains("whoami");
  }

  @Test
  void mcpWhenBobOpensHisOwnSessionThenServedAsBob() throws Exception {
    McpHttp.Answer answer = McpHttp.callTool(server.mcpEndpoint(), token("bob", "builder"), "whoami", "{}");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(McpHttp.text(answer)).contains("bob");
  }

  private static String token(String user, String password) throws Exception {
    String clientId = host.register(port);
    String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    String code = host.authorize(clientId, verifier, "mcp:read", port, port, user, password);
    return host.exchange(port, clientId, code, verifier).get("access_token").asText();
  }
}
