package dev.mcpauth.servlet;

import dev.mcpauth.token.VerifiedToken;
import dev.mcpauth.upstream.UpstreamSession;
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
  public static final String UPSTREAM = "mcp-auth.upstream";
  public static final String SUBJECT = "mcp-auth.subject";
  public static final String CLIENT_ID = "mcp-auth.client_id";
  public static final String SCOPES = "mcp-auth.scopes";
  public static final String TOKEN = "mcp-auth.verified_token";

  private final UpstreamSession upstream;

  /** Subject, client id, scopes and the verified token. */
  public McpAuthContextExtractor() {
    this(null);
  }

  /**
   * As {@link #McpAuthContextExtractor()}, and with a federated login the user's upstream access
   * token too, through {@link #upstreamAccessToken} (refreshed when it is about to expire).
   */
  public McpAuthContextExtractor(UpstreamSession upstream) {
    this.upstream = upstream;
  }

  /**
   * The current user's access token at the upstream identity provider, for calling its APIs as the
   * user; empty without a federated login.
   *
   * @throws dev.mcpauth.OAuthException {@code invalid_token} if the upstream sign-in has ended (the
   *     grant is revoked then), {@code temporarily_unavailable} if the provider cannot be reached
   */
  public static Optional<String> upstreamAccessToken(McpTransportContext context) {
    Object access = context.get(UPSTREAM);
    return access instanceof UpstreamAccess upstream ? Optional.of(upstream.accessToken()) : Optional.empty();
  }

  /** Fetches the grant's upstream token on demand, so requests that do not need it cost nothing. */
  private record UpstreamAccess(UpstreamSession session, String grantId) {
    String accessToken() {
      return session.tokens(grantId).accessToken();
    }

    @Override
    public String toString() {
      return "UpstreamAccess[grant=" + grantId + "]";
    }
  }

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
    if (upstream != null && token.grantId() != null) {
      values.put(UPSTREAM, new UpstreamAccess(upstream, token.grantId()));
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
