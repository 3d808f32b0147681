package dev.mcpauth.examples;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Stands in for a servlet that another thread is still building, so that the server can listen and
 * answer discovery before it is ready: a request that arrives first waits for it. The example builds
 * the MCP server (the SDK, Reactor, Jackson, the JSON Schema validator) once Jetty has started, while
 * a client is still busy with discovery, registration and authorization.
 */
final class DeferredServlet extends HttpServlet {
  private final CompletableFuture<? extends HttpServlet> target;
  private volatile HttpServlet ready;

  DeferredServlet(CompletableFuture<? extends HttpServlet> target) {
    this.target = target;
  }

  @Override
  public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
    HttpServlet servlet = ready;
    (servlet != null ? servlet : initialized()).service(request, response);
  }

  private synchronized HttpServlet initialized() throws ServletException {
    if (ready == null) {
      HttpServlet servlet;
      try {
        servlet = target.join();
      } catch (CompletionException e) {
        throw new ServletException("the MCP server could not be built", e.getCause());
      }
      servlet.init(getServletConfig());
      ready = servlet;
    }
    return ready;
  }

  @Override
  public void destroy() {
    HttpServlet servlet = ready;
    if (servlet != null) {
      servlet.destroy();
    }
  }
}
