package dev.mcpauth.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the example server and the proxy listen: a loopback base URL is a local setup, not for the
 * network, so they listen on loopback only (IPv4, and IPv6 when the machine has it); any other base
 * URL on every interface.
 */
public final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  /** The pointers per CPU cache line Jetty pads its queues for: 64-byte lines of 4-byte compressed oops. */
  private static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

  private Listeners() {}

  /**
   * A new Jetty server. Unless set already, it tells Jetty how many references fill a cache line:
   * otherwise Jetty asks the JVM through the platform MBean server, and starting JMX for that one
   * answer loads some 300 classes at start-up. The value only tunes padding; a wrong one costs no
   * correctness.
   */
  public static Server newServer() {
    if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) {
      System.setProperty(REFERENCES_PER_CACHE_LINE, "16");
    }
    return new Server();
  }

  /**
   * Opens the listeners on {@code port} ({@code 0} picks a free one) for a server whose public host
   * is {@code baseUrlHost} ({@code null}: none given, a local setup).
   *
   * @return the port listened on
   */
  public static int open(Server jetty, int port, String baseUrlHost) throws IOException {
    boolean loopbackOnly = baseUrlHost == null || LOOPBACK_HOSTS.contains(baseUrlHost.toLowerCase(Locale.ROOT));
    ServerConnector connector = new ServerConnector(jetty);
    connector.setPort(port);
    if (loopbackOnly) {
      connector.setHost("127.0.0.1");
    }
    connector.open();
    jetty.addConnector(connector);
    if (loopbackOnly) {
      addIpv6Loopback(jetty, connector.getLocalPort());
    }
    return connector.getLocalPort();
  }

  private static void addIpv6Loopback(Server jetty, int port) {
    try {
      if (InetAddress.getByName("::1").isLoopbackAddress()) {
        ServerConnector ipv6 = new ServerConnector(jetty);
        ipv6.setHost("::1");
        ipv6.setPort(port);
        ipv6.open();
        jetty.addConnector(ipv6);
      }
    } catch (Exception e) {
      LOG.debug("No IPv6 loopback: {}", e.toString());
    }
  }
}
