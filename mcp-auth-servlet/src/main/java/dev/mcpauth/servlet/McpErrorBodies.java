package dev.mcpauth.servlet;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.List;

/**
 * The MCP Java SDK's Streamable HTTP transport answers a request it refuses (no session, an unknown
 * one, a malformed message) by serializing its {@link McpError} with the JSON mapper it was given: with
 * a plain Jackson {@code ObjectMapper} that is the whole exception, stack trace included, telling
 * anyone the server's classes and line numbers. This module writes an {@code McpError} as the JSON-RPC
 * error response it stands for (JSON-RPC 2.0 §5.1; {@code id} null, as the request's id is not known
 * there). Its message is kept only when it is one the transport writes for the client (a session or
 * header problem); any other, such as a parser's or a {@code NullPointerException}'s text naming
 * internal classes or echoing the request, is replaced by the standard message of its code:
 *
 * <pre>{@code
 * new JacksonMcpJsonMapper(new ObjectMapper().registerModule(McpErrorBodies.jacksonModule()))
 * }</pre>
 */
public final class McpErrorBodies {
  /** JSON-RPC 2.0 "Internal error", for an McpError that carries no JSON-RPC error. */
  private static final int INTERNAL_ERROR = -32603;
  /** How the transport's own messages for the client begin (MCP Java SDK 2.x, Streamable HTTP). */
  private static final List<String> CLIENT_MESSAGES = List.of("Session not found", "Session ID required",
      "text/event-stream required", "application/json required", "Unsupported Media Type");
  private static final int LONGEST_MESSAGE = 200;

  private McpErrorBodies() {}

  public static Module jacksonModule() {
    return new SimpleModule("mcp-auth-mcp-error-bodies").addSerializer(McpError.class, new Serializer());
  }

  /** The message when it is one of the transport's for the client, else the standard one of {@code code}. */
  static String message(int code, String message) {
    if (message != null && message.startsWith("Session not found")) {
      return "Session not found"; // as the bearer filter says it, without echoing the id
    }
    if (message != null && message.length() <= LONGEST_MESSAGE && message.chars().noneMatch(Character::isISOControl)
        && CLIENT_MESSAGES.stream().anyMatch(message::startsWith)) {
      return message;
    }
    return switch (code) { // JSON-RPC 2.0 §5.1
      case -32700 -> "Parse error";
      case -32600 -> "Invalid Request";
      case -32601 -> "Method not found";
      case -32602 -> "Invalid params";
      case -32603 -> "Internal error";
      default -> "Request refused";
    };
  }

  private static final class Serializer extends StdSerializer<McpError> {
    Serializer() {
      super(McpError.class);
    }

    @Override
    public void serialize(McpError error, JsonGenerator json, SerializerProvider provider) throws IOException {
      McpSchema.JSONRPCResponse.JSONRPCError rpc = error.getJsonRpcError();
      json.writeStartObject();
      json.writeStringField("jsonrpc", "2.0");
      json.writeNullField("id");
      json.writeObjectFieldStart("error");
      int code = rpc != null && rpc.code() != null ? rpc.code() : INTERNAL_ERROR;
      json.writeNumberField("code", code);
      json.writeStringField("message", message(code, rpc != null ? rpc.message() : null));
      json.writeEndObject();
      json.writeEndObject();
    }
  }
}
