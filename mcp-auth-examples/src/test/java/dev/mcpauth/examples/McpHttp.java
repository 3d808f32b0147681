package dev.mcpauth.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Speaks MCP's Streamable HTTP to the example with a bearer token, as a client would: initialize,
 * then call a tool in that session. Answers come as JSON or as one SSE event.
 */
final class McpHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** What the MCP endpoint answered. */
  record Answer(int status, String challenge, String retryAfter, JsonNode result) {}

  private McpHttp() {}

  /** {@code initialize}, then {@code tools/call} of {@code tool} in that session. */
  static Answer callTool(URI endpoint, String token, String tool, String argumentsJson) throws Exception {
    Answer initialized = post(endpoint, token, null, """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
         "capabilities":{},"clientInfo":{"name":"mcp-auth-test","version":"1"}}}""");
    if (initialized.status != 200) {
      return initialized;
    }
    String session = initialized.result.path("session").asText(null);
    post(endpoint, token, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return post(endpoint, token, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool + "\",\"arguments\":" + argumentsJson + "}}");
  }

  /** The text of the first content item of a {@code tools/call} result. */
  static String text(Answer answer) {
    return answer.result.path("message").path("result").path("content").path(0).path("text").asText();
  }

  static Answer post(URI endpoint, String token, String session, String body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (session != null) {
      request.header("Mcp-Session-Id", session);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode message = null;
    String text = response.body().strip();
    if (text.startsWith("{")) {
      message = JSON.readTree(text);
    } else {
      for (String line : text.split("\n")) {
        if (line.startsWith("data:")) {
          message = JSON.readTree(line.substring(5).strip());
          break;
        }
      }
    }
    var result = JSON.createObjectNode();
    response.headers().firstValue("Mcp-Session-Id").ifPresent(id -> result.put("session", id));
    if (message != null) {
      result.set("message", message);
    }
    return new Answer(response.statusCode(), response.headers().firstValue("WWW-Authenticate").orElse(null),
        response.headers().firstValue("Retry-After").orElse(null), result);
  }
}
