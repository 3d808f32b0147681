package dev.mcpauth.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CORS for the endpoints browser-based clients call directly (metadata, registration, token,
 * revocation, introspection, JWKS), whatever adapter serves them. They use no cookies, so any origin
 * may call them; nothing is exposed that a direct request would not get. The authorization endpoint
 * and pages get no CORS; the MCP endpoint's rules are {@code guard.McpGuard}'s.
 */
public final class CorsRules {
  public static final String ALLOWED_HEADERS = "Authorization, Content-Type, MCP-Protocol-Version";
  public static final String EXPOSED_HEADERS = "WWW-Authenticate";
  private static final Map<String, String> ANY_ORIGIN =
      Map.of("Access-Control-Allow-Origin", "*", "Access-Control-Expose-Headers", EXPOSED_HEADERS);

  private CorsRules() {}

  /** A CORS preflight (Fetch standard, CORS protocol): OPTIONS with {@code Origin} and the method asked for. */
  public static boolean isPreflight(String method, String origin, String requestedMethod) {
    return "OPTIONS".equals(method) && origin != null && requestedMethod != null;
  }

  /** The headers every answer of these endpoints carries. */
  public static Map<String, String> anyOriginHeaders() {
    return ANY_ORIGIN;
  }

  /** The answer to a preflight for an endpoint that takes {@code methods}, e.g. {@code "POST, OPTIONS"}. */
  public static EndpointResponse preflight(String methods) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Access-Control-Allow-Origin", "*");
    headers.put("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    headers.put("Access-Control-Allow-Methods", methods);
    headers.put("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    headers.put("Access-Control-Max-Age", "86400");
    return new EndpointResponse(204, headers, null);
  }
}
