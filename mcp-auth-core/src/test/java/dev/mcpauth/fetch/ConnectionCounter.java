package dev.mcpauth.fetch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A listening port on every local address (IPv4 and IPv6, so loopback, 0.0.0.0 and ::ffff:127.0.0.1
 * all reach it) that accepts and counts connections, to prove that a fetch connected nowhere.
 * Thread-safe.
 */
final class ConnectionCounter implements AutoCloseable {
  private final ServerSocket socket;
  private final BlockingQueue<Integer> remotePorts = new LinkedBlockingQueue<>();

  ConnectionCounter() throws IOException {
    socket = new ServerSocket(0); // the wildcard address: dual stack
    Thread accept = new Thread(this::acceptLoop, "connection-counter");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  /**
   * How many connections arrived before this call: it connects once itself and counts the
   * connections accepted ahead of its own. The kernel queues connections in arrival order, so
   * one made earlier cannot be missed by a count taken too early.
   */
  int connectionsSoFar() throws IOException, InterruptedException {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
      int before = 0;
      while (remotePorts.take() != probe.getLocalPort()) {
        before++;
      }
      return before;
    }
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try (Socket accepted = socket.accept()) {
        remotePorts.add(accepted.getPort());
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
