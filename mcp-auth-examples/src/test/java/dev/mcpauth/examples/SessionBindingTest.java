package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * Nothing tells a stranger that a session id is live: bob's answer for alice's session is exactly his
   * answer for an id that never existed (before, the MCP server answered the unknown id itself, with
   * another body).
   */
  @Test
  void mcpWhenBobPresentsAlicesSessionThenAnsweredExactlyAsForAnIdThatNeverExisted() throws Exception {
    String alice = token("alice", "wonderland");
    String bob = token("bob", "builder");
    String session = McpHttp.post(server.mcpEndpoint(), alice, null, """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
         "capabilities":{},"clientInfo":{"name":"session-test","version":"1"}}}""").result().path("session").asText();

    McpHttp.Answer alicesSession = McpHttp.post(server.mcpEndpoint(), bob, session, TOOLS_LIST);
    McpHttp.Answer neverExisted = McpHttp.post(server.mcpEndpoint(), bob, UUID.randomUUID().toString(), TOOLS_LIST);

    assertThat(alicesSession.status()).isEqualTo(404);
    assertThat(neverExisted.status()).isEqualTo(404);
    assertThat(neverExisted.result()).isEqualTo(alicesSession.result());
  }

  /**
   * The MCP server's own refusals are JSON-RPC errors, not a serialized Java exception (before: the
   * SDK's McpError with its whole stack trace, naming classes and line numbers of the server).
   */
  @Test
  void mcpWhenTheMcpServerRefusesARequestThenAJsonRpcErrorWithoutAStackTrace() throws Exception {
    McpHttp.Answer noSession = McpHttp.post(server.mcpEndpoint(), token("bob", "builder"), null, TOOLS_LIST);

    assertThat(noSession.status()).isEqualTo(400);
    JsonNode message = noSession.result().path("message");
    assertThat(message.path("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(message.path("error").path("message").asText()).isNotEmpty();
    assertThat(message.path("error").path("code").isInt()).isTrue();
    assertThat(message.toString()).doesNotContain("stackTrace").doesNotContain("java");
  }

  /**
   * Nor does a refusal carry a parser's or an exception's text, which names the server's classes or
   * echoes the request (found by attacking the example).
   */
  @ParameterizedTest
  @ValueSource(strings = {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}", "[{\"a\":1}]",
      "{\"a\":1,\"secret\":\"hunter2\"}", "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}"})
  void mcpWhenTheMcpServerCannotHandleAMessageThenItsAnswerNamesNoClassAndEchoesNothing(String body) throws Exception {
    McpHttp.Answer answer = McpHttp.post(server.mcpEndpoint(), token("bob", "builder"), null, body);

    assertThat(answer.status()).isBetween(400, 599);
    assertThat(answer.result().toString()).doesNotContain("io.modelcontextprotocol").doesNotContain("java.")
        .doesNotContain("Cannot ").doesNotContain("hunter2");
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
