package dev.mcpauth.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.servlet.McpAuthContextExtractor;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
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

  List<SyncToolSpecification> all() {
    return List.of(whoami(), writeNote());
  }

  private SyncToolSpecification whoami() {
    McpSchema.Tool tool = McpSchema.Tool.builder()
        .name("whoami")
        .description("Returns the authenticated user, the OAuth client and the granted scopes.")
        .inputSchema(new McpSchema.JsonSchema("object", Map.of(), null, null, null, null))
        .build();
    return SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
      McpTransportContext context = exchange.transportContext();
      Map<String, Object> caller = Map.of(
          "subject", McpAuthContextExtractor.subject(context).orElse(""),
          "client_id", McpAuthContextExtractor.clientId(context).orElse(""),
          "scopes", new TreeSet<>(McpAuthContextExtractor.scopes(context)));
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
      Object text = request.arguments() == null ? null : request.arguments().get("text");
      if (!(text instanceof String note) || note.isBlank()) {
        return McpSchema.CallToolResult.builder().addTextContent("text is required").isError(true).build();
      }
      notes.put(subject, note);
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
