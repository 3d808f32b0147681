package dev.mcpauth.servlet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.RemoteIpValve;

/** Tomcat 10.1 (Servlet 6.0), honouring X-Forwarded-Proto as a server behind a TLS proxy would. */
final class TomcatContainer implements ServletContainer {
  private Tomcat tomcat;

  @Override
  public void start(int port, ServletContainerInitializer initializer, HttpServlet servlet, String path) throws Exception {
    tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
    Connector connector = new Connector();
    connector.setPort(port);
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty("maxThreads", Integer.toString(MAX_THREADS));
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    context.addServletContainerInitializer(initializer, null);
    Wrapper wrapper = Tomcat.addServlet(context, "mcp", servlet);
    wrapper.setAsyncSupported(true);
    context.addServletMappingDecoded(path, "mcp");
    RemoteIpValve forwarded = new RemoteIpValve();
    forwarded.setProtocolHeader("X-Forwarded-Proto");
    forwarded.setRemoteIpHeader("X-Not-Read"); // the client's address is the library's to read
    context.getPipeline().addValve(forwarded);
    tomcat.start();
  }

  @Override
  public void close() throws Exception {
    tomcat.stop();
    tomcat.destroy();
  }
}
