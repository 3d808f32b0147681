package dev.mcpauth.servlet;

import dev.mcpauth.token.VerifiedToken;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hands the principal that {@link BearerTokenFilter} verified to MCP Java SDK tool handlers. Give it
 * to the transport's builder ({@code contextExtractor(new McpAuthContextExtractor())}); a handler
 * then reads {@link #subject}, {@link #clientId} and {@link #scopes} from {@code
 * exchange.transportContext()}. Thread-safe.
 */
public final class McpAuthContextExtractor implements McpTransportContextExtractor<HttpServletRequest> {
  public static final String SUBJECT = "mcp-auth.subject";
  public static final String CLIENT_ID = "mcp-auth.client_id";
  public static final String SCOPES = "mcp-auth.scopes";
  public static final String TOKEN = "mcp-auth.verified_token";

  @Override
  public McpTransportContext extract(HttpServletRequest request) {
    Object attribute = request.getAttribute(BearerTokenFilter.VERIFIED_TOKEN);
    if (!(attribute instanceof VerifiedToken token)) {
      return McpTransportContext.EMPTY;
    }
    Map<String, Object> values = new HashMap<>();
    values.put(SUBJECT, token.subject());
    values.put(SCOPES, token.scopes());
    values.put(TOKEN, token);
    if (token.clientId() != null) { // an external issuer may name no client
      values.put(CLIENT_ID, token.clientId());
    }
    return McpTransportContext.create(values);
  }

  public static Optional<String> subject(McpTransportContext context) {
    return Optional.ofNullable((String) context.get(SUBJECT));
  }

  public static Optional<String> clientId(McpTransportContext context) {
    return Optional.ofNullable((String) context.get(CLIENT_ID));
  }

  @SuppressWarnings("unchecked")
  public static Set<String> scopes(McpTransportContext context) {
    Object scopes = context.get(SCOPES);
    return scopes == null ? Set.of() : (Set<String>) scopes;
  }

  public static Optional<VerifiedToken> token(McpTransportContext context) {
    return Optional.ofNullable((VerifiedToken) context.get(TOKEN));
  }
}
