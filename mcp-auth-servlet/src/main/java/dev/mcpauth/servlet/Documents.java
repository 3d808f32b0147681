package dev.mcpauth.servlet;

import dev.mcpauth.http.EndpointResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Public JSON documents (metadata, keys): GET and HEAD, from any origin. */
final class Documents {
  private Documents() {}

  static void serve(HttpServletRequest request, HttpServletResponse response, EndpointResponse document)
      throws IOException {
    if (Cors.isPreflight(request)) {
      Cors.answerPreflight(response, "GET, OPTIONS");
      return;
    }
    Cors.allowAnyOrigin(response);
    if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
      response.setHeader("Allow", "GET, HEAD, OPTIONS");
      ServletIo.writeJsonError(response, 405, "invalid_request", "Use GET");
      return;
    }
    ServletIo.write(document, response);
  }
}
