package dev.mcpauth.lambda;

import static dev.mcpauth.guard.McpGuard.jsonRpcError;

import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.token.VerifiedToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * The MCP Java SDK's stateless server behind a Lambda function: one JSON-RPC message per POST, the
 * answer in the response (no event streams, no sessions: Streamable HTTP's stateless mode). The
 * verified principal reaches tool handlers in the {@link McpTransportContext} under the same keys as
 * in the servlet adapter ({@link McpAuthLambda#SUBJECT} and the others).
 */
final class LambdaMcpTransport implements McpStatelessServerTransport {
  private static final String SUBJECT = McpAuthLambda.SUBJECT;
  private static final String CLIENT_ID = McpAuthLambda.CLIENT_ID;
  private static final String SCOPES = McpAuthLambda.SCOPES;
  private static final String TOKEN = McpAuthLambda.TOKEN;

  private final McpJsonMapper json;
  private volatile McpStatelessServerHandler handler;

  LambdaMcpTransport(McpJsonMapper json) {
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  public void setMcpHandler(McpStatelessServerHandler handler) {
    this.handler = handler;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.empty();
  }

  /** Answers one POSTed message for a verified token: 200 with the response, 202 for a notification. */
  EndpointResponse handle(VerifiedToken token, byte[] body) {
    McpStatelessServerHandler server = handler;
    if (server == null) {
      return jsonRpcError(503, -32603, "The MCP server is not ready");
    }
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, new String(body, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      return jsonRpcError(400, -32700, "Parse error");
    }
    McpTransportContext context = McpTransportContext.create(principal(token));
    try {
      if (message instanceof McpSchema.JSONRPCRequest request) {
        McpSchema.JSONRPCResponse response = server.handleRequest(context, request).block();
        return new EndpointResponse(200, Map.of("Content-Type", EndpointResponse.JSON), json.writeValueAsString(response));
      }
      if (message instanceof McpSchema.JSONRPCNotification notification) {
        server.handleNotification(context, notification).block();
        return new EndpointResponse(202, Map.of(), null);
      }
    } catch (IOException e) {
      return jsonRpcError(500, -32603, "Internal error");
    }
    return jsonRpcError(400, -32600, "Invalid Request: a stateless server takes requests and notifications");
  }

  private static Map<String, Object> principal(VerifiedToken token) {
    Map<String, Object> values = new HashMap<>();
    if (token.subject() != null) {
      values.put(SUBJECT, token.subject());
    }
    if (token.clientId() != null) {
      values.put(CLIENT_ID, token.clientId());
    }
    values.put(SCOPES, token.scopes());
    values.put(TOKEN, token);
    return values;
  }
}
