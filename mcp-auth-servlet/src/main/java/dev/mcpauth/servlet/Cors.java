package dev.mcpauth.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * CORS for the endpoints browser-based clients call directly (metadata, registration, token,
 * revocation, introspection, JWKS). They use no cookies, so any origin may call them; nothing is
 * exposed that a direct request would not get. The authorization endpoint and pages get no CORS.
 */
final class Cors {
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, MCP-Protocol-Version";
  static final String EXPOSED_HEADERS = "WWW-Authenticate";

  private Cors() {}

  static boolean isPreflight(HttpServletRequest request) {
    return "OPTIONS".equals(request.getMethod()) && request.getHeader("Origin") != null
        && request.getHeader("Access-Control-Request-Method") != null;
  }

  static void allowAnyOrigin(HttpServletResponse response) {
    response.setHeader("Access-Control-Allow-Origin", "*");
    response.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
  }

  static void answerPreflight(HttpServletResponse response, String methods) {
    allowAnyOrigin(response);
    response.setHeader("Access-Control-Allow-Methods", methods);
    response.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    response.setHeader("Access-Control-Max-Age", "86400");
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
  }
}
