package dev.mcpauth.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.mcpauth.guard.ScopePolicy;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.resource.ResourceServer;
import dev.mcpauth.testing.TestServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Lambda adapter invoked in-process with events shaped as AWS documents them for function URLs
 * (payload format 2.0, fixtures under {@code events/}), in the resource-server deployment: tokens from a
 * real mcp-auth authorization server whose metadata and keys are served over loopback HTTP, the MCP Java
 * SDK's stateless server behind the guard.
 */
@Timeout(60)
class McpAuthLambdaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METADATA_URL = "https://as.example.com/.well-known/oauth-protected-resource/mcp";

  private final HttpServer issuerHttp;
  private final TestServer test;
  private final McpAuthLambda lambda;

  McpAuthLambdaTest() throws IOException {
    issuerHttp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String issuer = "http://127.0.0.1:" + issuerHttp.getAddress().getPort();
    test = TestServer.create(builder -> builder.issuer(issuer));
    serve("/.well-known/oauth-authorization-server", () -> test.server.metadata().authorizationServer());
    serve("/jwks", test.server::jwks);
    issuerHttp.start();
    ResourceServer resourceServer = ResourceServer.builder()
        .issuer(issuer)
        .resource(TestServer.RESOURCE)
        .scopes("mcp:read", "mcp:write")
        .clock(test.clock)
        .build();
    lambda = McpAuthLambda.builder(resourceServer)
        .scopePolicy(ScopePolicy.builder().always("mcp:read").tool("write_note", "mcp:write").build())
        .mcpServer(transport -> McpServer.sync(transport)
            .serverInfo("lambda-test", "1.0.0")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
            .tools(tool("whoami"), tool("write_note"))
            .build())
        .build();
  }

  @AfterEach
  void stop() {
    issuerHttp.stop(0);
  }

  @Test
  void mcpWhenNoTokenThen401ChallengeNamingTheMetadata() throws IOException {
    JsonNode answer = lambda.handle(event(call("whoami"), false, null));

    assertThat(answer.get("statusCode").asInt()).isEqualTo(401);
    assertThat(answer.get("headers").get("WWW-Authenticate").asText())
        .isEqualTo("Bearer resource_metadata=\"" + METADATA_URL + "\", scope=\"mcp:read\"");
    assertThat(answer.get("isBase64Encoded").asBoolean()).isFalse();
  }

  @Test
  void mcpWhenTokenThenToolSeesTheVerifiedSubject() throws IOException {
    String token = accessToken();

    JsonNode answer = lambda.handle(event(call("whoami"), false, token));

    assertThat(answer.get("statusCode").asInt()).as(answer.toString()).isEqualTo(200);
    JsonNode result = JSON.readTree(answer.get("body").asText()).get("result");
    assertThat(result.get("content").get(0).get("text").asText()).isEqualTo("whoami: " + TestServer.USER);
  }

  @Test
  void mcpWhenBodyBase64EncodedThenDecodedAsAwsSendsIt() throws IOException {
    String token = accessToken();
    String encoded = Base64.getEncoder().encodeToString(call("whoami").getBytes(StandardCharsets.UTF_8));

    JsonNode answer = lambda.handle(event(encoded, true, token));

    assertThat(answer.get("statusCode").asInt()).as(answer.toString()).isEqualTo(200);
  }

  @Test
  void mcpWhenToolNeedsWriteScopeThen403InsufficientScope() throws IOException {
    JsonNode answer = lambda.handle(event(call("write_note"), false, accessToken()));

    assertThat(answer.get("statusCode").asInt()).isEqualTo(403);
    assertThat(answer.get("headers").get("WWW-Authenticate").asText())
        .contains("error=\"insufficient_scope\"", "scope=\"mcp:read mcp:write\"");
  }

  @Test
  void mcpWhenBase64BodyMalformedOrEventNotHttpThen400() throws IOException {
    assertThat(lambda.handle(event("%%%not base64", true, accessToken())).get("statusCode").asInt()).isEqualTo(400);
    assertThat(lambda.handle(JSON.readTree("{\"version\":\"1.0\",\"httpMethod\":\"POST\"}")).get("statusCode").asInt())
        .isEqualTo(400);
  }

  @Test
  void protectedResourceMetadataWhenGetThenNamesTheIssuerWithCors() throws IOException {
    ObjectNode event = event("", false, null);
    event.put("rawPath", "/.well-known/oauth-protected-resource/mcp");
    ((ObjectNode) event.get("requestContext").get("http")).put("method", "GET");

    JsonNode answer = lambda.handle(event);

    assertThat(answer.get("statusCode").asInt()).isEqualTo(200);
    assertThat(answer.get("headers").get("Access-Control-Allow-Origin").asText()).isEqualTo("*");
    JsonNode document = JSON.readTree(answer.get("body").asText());
    assertThat(document.get("resource").asText()).isEqualTo(TestServer.RESOURCE);
    assertThat(document.get("authorization_servers").get(0).asText()).startsWith("http://127.0.0.1:");
  }

  private ObjectNode event(String body, boolean base64, String token) throws IOException {
    ObjectNode event;
    try (InputStream in = getClass().getResourceAsStream("/events/function-url-post.json")) {
      event = (ObjectNode) JSON.readTree(in);
    }
    event.put("body", body);
    event.put("isBase64Encoded", base64);
    if (token != null) {
      ((ObjectNode) event.get("headers")).put("authorization", "Bearer " + token);
    }
    return event;
  }

  private static String call(String tool) {
    return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}";
  }

  private String accessToken() {
    return test.tokens(test.registerPublic("http://127.0.0.1:9999/cb")).accessToken();
  }

  private static SyncToolSpecification tool(String name) {
    McpSchema.Tool tool = McpSchema.Tool.builder()
        .name(name)
        .inputSchema(new McpSchema.JsonSchema("object", Map.of(), null, null, null, null))
        .build();
    return SyncToolSpecification.builder().tool(tool).callHandler((context, request) -> McpSchema.CallToolResult.builder()
        .addTextContent(name + ": " + context.get(McpAuthLambda.SUBJECT)).build()).build();
  }

  private void serve(String path, Supplier<EndpointResponse> document) {
    issuerHttp.createContext(path, exchange -> {
      EndpointResponse response = document.get();
      byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
      response.headers().forEach(exchange.getResponseHeaders()::set);
      exchange.sendResponseHeaders(response.status(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
  }
}
