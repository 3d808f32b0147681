package dev.mcpauth.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal HTTP CONNECT proxy (RFC 9110 §9.3.6) on a loopback port, as a corporate egress proxy
 * would be: it records each request line, then opens the tunnel to the authority it was given and
 * relays bytes both ways, or, when refusing, answers 403. Thread-safe.
 */
final class ConnectProxy implements AutoCloseable {
  private final ServerSocket server;
  private final boolean refuse;
  private final List<String> requestLines = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  private ConnectProxy(boolean refuse) throws IOException {
    this.refuse = refuse;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    start(this::acceptLoop, "connect-proxy-accept");
  }

  static ConnectProxy relaying() throws IOException {
    return new ConnectProxy(false);
  }

  static ConnectProxy refusing() throws IOException {
    return new ConnectProxy(true);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Each connection's request line, e.g. {@code CONNECT 127.0.0.1:4443 HTTP/1.1}. */
  List<String> requestLines() {
    return List.copyOf(requestLines);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        start(() -> tunnel(client), "connect-proxy-tunnel");
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void tunnel(Socket client) {
    try {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      String requestLine = readHead(in);
      requestLines.add(requestLine);
      String[] parts = requestLine.split(" ");
      if (refuse || parts.length != 3 || !parts[0].equals("CONNECT")) {
        out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        client.close();
        return;
      }
      int colon = parts[1].lastIndexOf(':');
      String host = parts[1].substring(0, colon).replace("[", "").replace("]", "");
      Socket target = new Socket(host, Integer.parseInt(parts[1].substring(colon + 1)));
      open.add(target);
      out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      start(() -> pump(target, client), "connect-proxy-pump");
      pump(client, target);
    } catch (IOException e) {
      close(client);
    }
  }

  /** The request line; reads the head byte by byte so that no tunnelled byte is consumed. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b == -1) {
        throw new IOException("closed before the end of the head");
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII).split("\r\n", 2)[0];
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // one side closed
    } finally {
      close(from);
      close(to);
    }
  }

  private static void start(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(ConnectProxy::close);
  }
}
