package dev.mcpauth.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.servlet.McpAuthContextExtractor;
import dev.mcpauth.token.VerifiedToken;
import dev.mcpauth.upstream.UpstreamProvider;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The example's tools: who the caller is, and one that needs the extra {@code mcp:write} scope. */
final class ExampleTools {
  static final String READ = "mcp:read";
  static final String WRITE = "mcp:write";

  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, String> notes = new ConcurrentHashMap<>();
  private final UpstreamProvider upstream;
  private final HttpClient http;

  /** @param upstream the federated login's provider, or {@code null} without one */
  ExampleTools(UpstreamProvider upstream) {
    this.upstream = upstream;
    this.http = upstream == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  List<SyncToolSpecification> all() {
    return upstream == null ? List.of(whoami(), writeNote()) : List.of(whoami(), writeNote(), upstreamUserinfo());
  }

  /** Calls the identity provider's user info endpoint as the user, with the user's upstream token. */
  private SyncToolSpecification upstreamUserinfo() {
    McpSchema.Tool tool = McpSchema.Tool.builder()
        .name("upstream_userinfo")
        .description("Asks the upstream identity provider who the user is, with the user's upstream access token.")
        .inputSchema(new McpSchema.JsonSchema("object", Map.of(), null, null, null, null))
        .build();
    return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
      String token = McpAuthContextExtractor.upstreamAccessToken(exchange.transportContext()).orElse(null);
      java.net.URI endpoint = upstream.userinfoEndpoint().orElse(null);
      if (token == null || endpoint == null) {
        return McpSchema.CallToolResult.builder().addTextContent("no upstream sign-in").isError(true).build();
      }
      try {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build(),
            HttpResponse.BodyHandlers.ofString());
        return text("HTTP " + answer.statusCode() + " " + answer.body());
      } catch (java.io.IOException e) {
        return McpSchema.CallToolResult.builder().addTextContent("the provider is unreachable").isError(true).build();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return McpSchema.CallToolResult.builder().addTextContent("interrupted").isError(true).build();
      }
    }).build();
  }

  private SyncToolSpecification whoami() {
    McpSchema.Tool tool = McpSchema.Tool.builder()
        .name("whoami")
        .description("Returns the authenticated user (or, for a client's own token, the client), the OAuth client"
            + " and the granted scopes.")
        .inputSchema(new McpSchema.JsonSchema("object", Map.of(), null, null, null, null))
        .build();
    return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
      McpTransportContext context = exchange.transportContext();
      Map<String, Object> caller = Map.of(
          "subject", McpAuthContextExtractor.subject(context).orElse(""),
          "client_id", McpAuthContextExtractor.clientId(context).orElse(""),
          "scopes", new TreeSet<>(McpAuthContextExtractor.scopes(context)),
          "client_token", McpAuthContextExtractor.token(context).map(VerifiedToken::isClientToken).orElse(false));
      return text(toJson(caller));
    }).build();
  }

  private SyncToolSpecification writeNote() {
    McpSchema.Tool tool = McpSchema.Tool.builder()
        .name("write_note")
        .description("Saves a note for the current user. Needs the mcp:write scope.")
        .inputSchema(new McpSchema.JsonSchema("object",
            Map.of("text", Map.of("type", "string", "description", "The note")), List.of("text"), null, null, null))
        .build();
    return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
      String subject = McpAuthContextExtractor.subject(exchange.transportContext()).orElse("");
      // A machine client's subject is its client id, which may equal a user name: keep their notes apart.
      boolean client = McpAuthContextExtractor.token(exchange.transportContext()).map(VerifiedToken::isClientToken)
          .orElse(false);
      String owner = (client ? "client:" : "user:") + subject;
      Object text = request.arguments() == null ? null : request.arguments().get("text");
      if (!(text instanceof String note) || note.isBlank()) {
        return McpSchema.CallToolResult.builder().addTextContent("text is required").isError(true).build();
      }
      notes.put(owner, note);
      return text("Saved a note for " + subject + ": " + note);
    }).build();
  }

  private static McpSchema.CallToolResult text(String text) {
    return McpSchema.CallToolResult.builder().addTextContent(text).isError(false).build();
  }

  private String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
