package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The per-tool scope check against the example's real MCP server (the official MCP Java SDK): a
 * read-only token cannot run {@code write_note}, however the body is encoded. The SDK decodes a body
 * leniently (invalid bytes become U+FFFD, any declared charset is used), so a body the check cannot
 * read exactly as the SDK will must be refused, never passed on with fewer scopes required.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ScopeCheckTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String WRITE_NOTE =
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"write_note\",\"arguments\":{\"text\":\"%s\"}}}";

  private ExampleProcess example;
  private URI mcp;
  private String readOnlyToken;
  private String session;

  @BeforeAll
  void start() throws Exception {
    int port = SharedStoreReplicasContract.freePort();
    example = ExampleProcess.start("--port", String.valueOf(port), "--user", "alice:wonderland");
    PublicHost host = new PublicHost("localhost:" + port);
    mcp = URI.create(host.baseUrl() + "/mcp");
    String clientId = host.register(port);
    String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    readOnlyToken = host.exchange(port, clientId, host.authorize(clientId, verifier, "mcp:read", port, port), verifier)
        .get("access_token").asText();
    HttpResponse<String> initialized = post("""
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
         "capabilities":{},"clientInfo":{"name":"scope-test","version":"1"}}}""".getBytes(StandardCharsets.UTF_8),
        "application/json");
    assertThat(initialized.statusCode()).as(initialized.body()).isEqualTo(200);
    session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
    post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}".getBytes(StandardCharsets.UTF_8),
        "application/json");
  }

  @AfterAll
  void stop() throws Exception {
    if (example != null) {
      example.close();
    }
  }

  @Test
  void writeNoteWhenSentPlainlyWithReadOnlyTokenThen403() throws Exception {
    HttpResponse<String> response = post(body("pwned"), "application/json");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).contains("insufficient_scope");
  }

  @Test
  void writeNoteWhenArgumentHasAnInvalidUtf8ByteThenRefusedNotRun() throws Exception {
    byte[] body = body("pwned?");
    body[new String(body, StandardCharsets.US_ASCII).indexOf('?')] = (byte) 0xFF;

    HttpResponse<String> response = post(body, "application/json");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).doesNotContain("Saved a note");
  }

  @Test
  void writeNoteWhenSentInEbcdicThenRefusedNotRun() throws Exception {
    byte[] body = String.format(WRITE_NOTE, "pwned").getBytes(Charset.forName("IBM037"));

    HttpResponse<String> response = post(body, "application/json; charset=IBM037");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(415);
    assertThat(response.body()).doesNotContain("Saved a note");
  }

  @Test
  void whoamiWhenSentWithReadOnlyTokenThenRuns() throws Exception {
    HttpResponse<String> response = post(
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"arguments\":{}}}"
            .getBytes(StandardCharsets.UTF_8), "application/json; charset=utf-8");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("alice");
  }

  private static byte[] body(String text) {
    return String.format(WRITE_NOTE, text).getBytes(StandardCharsets.UTF_8);
  }

  private HttpResponse<String> post(byte[] body, String contentType) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(mcp)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", contentType)
        .header("Accept", "application/json, text/event-stream")
        .header("Authorization", "Bearer " + readOnlyToken)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (session != null) {
      request.header("Mcp-Session-Id", session);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
