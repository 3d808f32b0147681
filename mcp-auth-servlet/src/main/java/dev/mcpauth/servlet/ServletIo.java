package dev.mcpauth.servlet;

import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

  private ServletIo() {}

  /** Reads at most {@code maxBytes} of the body; more is refused without reading it all. */
  static byte[] readBody(HttpServletRequest request, int maxBytes) throws IOException, BodyTooLarge {
    if (request.getContentLengthLong() > maxBytes) {
      throw new BodyTooLarge();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = request.getInputStream()) {
      int read;
      while ((read = in.read(buffer)) != -1) {
        if (out.size() + read > maxBytes) {
          throw new BodyTooLarge();
        }
        out.write(buffer, 0, read);
      }
    }
    return out.toByteArray();
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
