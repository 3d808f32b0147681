package dev.mcpauth.servlet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty 12 (ee10), honouring X-Forwarded-Proto as a server behind a TLS proxy would. */
final class JettyContainer implements ServletContainer {
  private Server server;

  @Override
  public void start(int port, ServletContainerInitializer initializer, HttpServlet servlet, String path) throws Exception {
    server = new Server(new QueuedThreadPool(MAX_THREADS, 4));
    HttpConfiguration http = new HttpConfiguration();
    ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();
    // Only the protocol: the client's address is the library's to read, from trusted proxies only
    // (by default Jetty would believe any client's X-Forwarded-For and Forwarded).
    forwarded.setForwardedHeader("X-Not-Read");
    forwarded.setForwardedForHeader("X-Not-Read");
    http.addCustomizer(forwarded);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder holder = new ServletHolder("mcp", servlet);
    holder.setAsyncSupported(true);
    context.addServlet(holder, path);
    context.addServletContainerInitializer(initializer);
    server.setHandler(context);
    server.start();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
