package dev.mcpauth.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * Answers a request whose body the filter refuses without reading it (no token, a bad token, a media
 * type or scope that headers alone decide), so that nobody can make the server wait for, buffer or
 * parse a body before the sender is known.
 *
 * <p>The answer closes the connection (RFC 9112 §9.6): the unread body cannot be told from the next
 * request, and a body announced but never sent must not hold the connection. Closing with input
 * unread makes TCP reset the connection, which can destroy the answer before the client reads it
 * (RFC 9112 §9.6), so whatever part of the body has already arrived, up to {@link #DRAIN_BYTES}, is
 * dropped first, without ever waiting for more: a client that sent a small body reads its answer,
 * one that announces a large body and sends none gets it at once.
 *
 * <p>What the container does with the connection afterwards is its own: Jetty 12 closes it at once;
 * Tomcat 10.1 first reads and drops the rest of the body itself (its {@code maxSwallowSize}, even 0,
 * does not stop the first blocking read), so a body announced and never sent holds a Tomcat worker
 * thread until the connector's {@code connectionTimeout}, after the answer was sent.
 */
final class UnreadBody {
  /** At most this much already-received body is dropped before the connection closes. */
  static final int DRAIN_BYTES = 256 * 1024;

  private UnreadBody() {}

  /** Writes {@code answer}, closing the connection if the request announced a body. */
  static void refuse(HttpServletRequest request, HttpServletResponse response, ServletIo.Answer answer)
      throws IOException {
    if (!announcesBody(request)) {
      answer.write();
      return;
    }
    if (request.getProtocol().startsWith("HTTP/1.")) { // HTTP/2 has no Connection header (RFC 9113 §8.2.2)
      response.setHeader("Connection", "close");
    }
    answer.write();
    response.flushBuffer();
    dropWhatHasArrived(request);
  }

  private static boolean announcesBody(HttpServletRequest request) {
    return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
  }

  /** Reads only what {@code available()} promises, so it never blocks. */
  private static void dropWhatHasArrived(HttpServletRequest request) {
    byte[] buffer = new byte[8192];
    int dropped = 0;
    try {
      InputStream in = request.getInputStream();
      int available;
      while (dropped < DRAIN_BYTES && (available = in.available()) > 0) {
        int read = in.read(buffer, 0, Math.min(available, buffer.length));
        if (read < 0) {
          return;
        }
        dropped += read;
      }
    } catch (IOException gone) {
      // the client is gone: nothing left to protect
    }
  }
}
