package dev.mcpauth.servlet;

import dev.mcpauth.http.CorsRules;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Core's {@link CorsRules} on servlet requests and responses. */
final class Cors {
  private Cors() {}

  static boolean isPreflight(HttpServletRequest request) {
    return CorsRules.isPreflight(request.getMethod(), request.getHeader("Origin"),
        request.getHeader("Access-Control-Request-Method"));
  }

  static void allowAnyOrigin(HttpServletResponse response) {
    CorsRules.anyOriginHeaders().forEach(response::setHeader);
  }

  static void answerPreflight(HttpServletResponse response, String methods) throws IOException {
    ServletIo.write(CorsRules.preflight(methods), response);
  }
}
