package dev.mcpauth.examples.proxy;

import java.net.URI;
import java.util.Map;

/** Lets the tests in the examples package start the proxy in-process and see its MCP server's pid. */
public final class ProxyServerAccess implements AutoCloseable {
  private final ProxyServer proxy;
  private final ProxyOptions options;

  private ProxyServerAccess(ProxyServer proxy, ProxyOptions options) {
    this.proxy = proxy;
    this.options = options;
  }

  public static ProxyServerAccess start(Map<String, String> environment) throws Exception {
    ProxyOptions options = ProxyOptions.parse(environment);
    return new ProxyServerAccess(ProxyServer.start(options), options);
  }

  /** Requests of one grant the proxy lets through at once. */
  public static int maxRequestsPerGrant() {
    return AuthorizingProxyServlet.MAX_REQUESTS_PER_GRANT;
  }

  public URI mcpEndpoint() {
    return proxy.mcpEndpoint();
  }

  public String baseUrl() {
    return options.baseUrl();
  }

  public long mcpServerPid() {
    return proxy.mcpServerPid();
  }

  @Override
  public void close() {
    proxy.close();
  }
}
