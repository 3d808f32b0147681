package dev.mcpauth.servlet;

import dev.mcpauth.token.VerifiedToken;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Stands in for the MCP servlet: answers with the principal the filter passed on and the body it got,
 * and, as a Streamable HTTP server does, announces a new session in answer to an initialization.
 */
final class EchoMcpServlet extends HttpServlet {
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    VerifiedToken token = (VerifiedToken) request.getAttribute(BearerTokenFilter.VERIFIED_TOKEN);
    String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (body.contains("\"method\":\"initialize\"")) { // the MCP Java SDK opens one even when a stale id was sent
      response.setHeader("Mcp-Session-Id", UUID.randomUUID().toString());
    }
    response.setContentType("text/plain;charset=UTF-8");
    response.getWriter().write("subject=" + (token == null ? "none" : token.subject()) + "\nbody=" + body);
  }
}
