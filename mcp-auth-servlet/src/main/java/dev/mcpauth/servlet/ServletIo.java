package dev.mcpauth.servlet;

import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Enumeration;
import java.util.ArrayList;
import java.util.List;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Moves requests and responses between the servlet API and core's framework-neutral values. */
final class ServletIo {
  /** Thrown when a body is larger than allowed; the caller answers 413. */
  static final class BodyTooLarge extends Exception {
    BodyTooLarge() {
      super("request body too large", null, false, false);
    }
  }

  /** Writes an answer. */
  @FunctionalInterface
  interface Answer {
    void write() throws IOException;
  }

  /** At most this much of a refused body is read and dropped, for at most this long, before the connection closes. */
  static final long DISCARD_BYTES = 8L * 1024 * 1024;
  static final Duration DISCARD_TIME = Duration.ofSeconds(10);

  private ServletIo() {}

  /**
   * {@code X-Content-Type-Options: nosniff}: browsers take the declared type, so no JSON error or
   * document that echoes request text is ever read as HTML or script. Every response the adapters
   * write carries it; they set it first, before anything can commit the response.
   */
  static void noSniff(HttpServletResponse response) {
    response.setHeader("X-Content-Type-Options", "nosniff");
  }

  /** Reads at most {@code maxBytes} of the body; more is refused without reading it all. */
  static byte[] readBody(HttpServletRequest request, int maxBytes) throws IOException, BodyTooLarge {
    if (request.getContentLengthLong() > maxBytes) {
      throw new BodyTooLarge();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    InputStream in = request.getInputStream(); // the container's: left open, refuseTooLarge reads the rest
    int read;
    while ((read = in.read(buffer)) != -1) {
      if (out.size() + read > maxBytes) {
        throw new BodyTooLarge();
      }
      out.write(buffer, 0, read);
    }
    return out.toByteArray();
  }

  /**
   * Answers a request whose body is too large (413) so that a client still sending that body can read
   * the answer. The answer closes the connection (RFC 9112 §9.6) and is sent at once; then the rest of
   * the body is read and dropped, up to {@link #DISCARD_BYTES} and {@link #DISCARD_TIME}. Closing a
   * connection with unread input makes TCP reset it, and a reset can destroy the answer before the
   * client reads it (RFC 9112 §9.6); Jetty 12 closes that way when a request's content is left unread.
   * A client that waits for 100 Continue gets this answer instead, closes, and the reading ends at once.
   */
  static void refuseTooLarge(HttpServletRequest request, HttpServletResponse response, Answer answer) throws IOException {
    closeAfterAnswer(request, response);
    answer.write();
    response.flushBuffer();
    long deadline = System.nanoTime() + DISCARD_TIME.toNanos();
    byte[] buffer = new byte[8192];
    long discarded = 0;
    try {
      InputStream in = request.getInputStream();
      int read;
      while (discarded < DISCARD_BYTES && System.nanoTime() < deadline && (read = in.read(buffer)) != -1) {
        discarded += read;
      }
    } catch (IOException gone) {
      // the client stopped sending: nothing left to protect
    }
  }

  /** Whether a failed read was the container giving up waiting (its idle timeout), by its causes. */
  static boolean isTimeout(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.util.concurrent.TimeoutException || cause instanceof java.net.SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** Asks the container to close the connection after this answer: the client may still be sending. */
  static void closeAfterAnswer(HttpServletRequest request, HttpServletResponse response) {
    if (request.getProtocol().startsWith("HTTP/1.")) { // HTTP/2 has no Connection header (RFC 9113 §8.2.2)
      response.setHeader("Connection", "close");
    }
  }

  /** The request as core sees it: method, query, the headers core reads, body as UTF-8. */
  static EndpointRequest toEndpointRequest(HttpServletRequest request, byte[] body) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : new String[] {"Content-Type", "Authorization"}) {
      String value = request.getHeader(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    return new EndpointRequest(request.getMethod(), request.getQueryString(), headers,
        body == null ? null : new String(body, StandardCharsets.UTF_8));
  }

  /**
   * Every value of a header, in the order sent; without a list copy in the usual case of none or one
   * (the bearer filter asks for several headers on every MCP request).
   */
  static List<String> headerValues(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    if (values == null || !values.hasMoreElements()) {
      return List.of();
    }
    String first = values.nextElement();
    if (!values.hasMoreElements()) {
      return List.of(first);
    }
    List<String> all = new ArrayList<>();
    all.add(first);
    values.asIterator().forEachRemaining(all::add);
    return all;
  }

  static void write(EndpointResponse endpointResponse, HttpServletResponse response) throws IOException {
    response.setStatus(endpointResponse.status());
    endpointResponse.headers().forEach(response::setHeader);
    if (endpointResponse.body() != null) {
      byte[] bytes = endpointResponse.body().getBytes(StandardCharsets.UTF_8);
      response.setContentLength(bytes.length);
      response.getOutputStream().write(bytes);
    }
  }

  /** A small JSON error for answers the adapter gives itself (413, 405, 404). */
  static void writeJsonError(HttpServletResponse response, int status, String error, String description)
      throws IOException {
    response.setStatus(status);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json;charset=UTF-8");
    response.getWriter().write("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
  }
}
