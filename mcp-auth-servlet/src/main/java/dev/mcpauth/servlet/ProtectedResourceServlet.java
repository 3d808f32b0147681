package dev.mcpauth.servlet;

import dev.mcpauth.resource.ResourceServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * Serves a resource server's RFC 9728 protected resource metadata, naming its external
 * authorization server, at {@code /.well-known/oauth-protected-resource<mcp-path>} and at the root
 * form, to any origin. The authorization server's own endpoints are elsewhere. Thread-safe.
 */
public final class ProtectedResourceServlet extends HttpServlet {
  private static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

  private final transient ResourceServer server;
  private final Set<String> paths;

  public ProtectedResourceServlet(ResourceServer server) {
    this.server = Objects.requireNonNull(server, "server");
    String resourcePath = Routes.path(URI.create(server.resource()));
    this.paths = resourcePath.isEmpty() ? Set.of(WELL_KNOWN) : Set.of(WELL_KNOWN + resourcePath, WELL_KNOWN);
  }

  /** The host-relative paths this servlet answers on. */
  public Set<String> paths() {
    return paths;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    ServletIo.noSniff(response);
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (!paths.contains(path)) {
      ServletIo.writeJsonError(response, 404, "invalid_request", "Not found");
      return;
    }
    Documents.serve(request, response, server.protectedResourceMetadata());
  }
}
