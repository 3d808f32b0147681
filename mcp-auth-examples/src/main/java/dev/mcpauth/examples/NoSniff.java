package dev.mcpauth.examples;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * {@code X-Content-Type-Options: nosniff} on every response Jetty sends, also those it writes itself:
 * an unknown path, a request it cannot parse, headers too large. The library's adapters set it on
 * theirs; these never reach them. Jetty's error pages show no stack trace, and TRACE, which servlets
 * answer by echoing the request's headers (a proxy's credentials among them), gets 405 everywhere.
 */
public final class NoSniff {
  private static final String HEADER = "X-Content-Type-Options";

  private NoSniff() {}

  /** Serves {@code handler} on {@code jetty}, every answer carrying the header. */
  public static void serve(Server jetty, Handler handler) {
    jetty.setHandler(new Handler.Wrapper(handler) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        response.getHeaders().put(HEADER, "nosniff");
        if (request.getMethod().equals("TRACE")) { // it would echo the request's headers, credentials included
          response.getHeaders().put("Allow", "GET, POST, DELETE, OPTIONS");
          Response.writeError(request, response, callback, 405);
          return true;
        }
        return super.handle(request, response, callback);
      }
    });
    ErrorHandler errors = new ErrorHandler() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        response.getHeaders().put(HEADER, "nosniff");
        return super.handle(request, response, callback);
      }
    };
    errors.setShowStacks(false);
    jetty.setErrorHandler(errors);
  }
}
