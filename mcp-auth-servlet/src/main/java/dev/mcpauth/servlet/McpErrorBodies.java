package dev.mcpauth.servlet;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;

/**
 * The MCP Java SDK's Streamable HTTP transport answers a request it refuses (no session, an unknown
 * one, a malformed message) by serializing its {@link McpError} with the JSON mapper it was given: with
 * a plain Jackson {@code ObjectMapper} that is the whole exception, stack trace included, telling
 * anyone the server's classes and line numbers. This module writes an {@code McpError} as the JSON-RPC
 * error response it stands for (JSON-RPC 2.0 §5.1; {@code id} null, as the request's id is not known
 * there):
 *
 * <pre>{@code
 * new JacksonMcpJsonMapper(new ObjectMapper().registerModule(McpErrorBodies.jacksonModule()))
 * }</pre>
 */
public final class McpErrorBodies {
  /** JSON-RPC 2.0 "Internal error", for an McpError that carries no JSON-RPC error. */
  private static final int INTERNAL_ERROR = -32603;

  private McpErrorBodies() {}

  public static Module jacksonModule() {
    return new SimpleModule("mcp-auth-mcp-error-bodies").addSerializer(McpError.class, new Serializer());
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
      json.writeNumberField("code", rpc != null && rpc.code() != null ? rpc.code() : INTERNAL_ERROR);
      json.writeStringField("message", rpc != null && rpc.message() != null ? rpc.message() : "Internal error");
      json.writeEndObject();
      json.writeEndObject();
    }
  }
}
