package dev.mcpauth.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request as a Lambda function URL or an API Gateway HTTP API delivers it (payload format
 * 2.0): the method from {@code requestContext.http.method}, {@code rawPath} and {@code rawQueryString}
 * exactly as sent, headers by lower-cased name (API Gateway joins repeated headers with commas into one
 * value, so a check that wants one value sees the joined one and refuses it), the {@code cookies}
 * array as one {@code Cookie} header, and the body, base64-decoded when {@code isBase64Encoded}. Immutable.
 */
record HttpEvent(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

  /**
   * @throws IllegalArgumentException for an event that is not payload format 2.0 or lacks its method
   *     or path (the handler answers 400 without looking further: fail closed)
   */
  static HttpEvent parse(JsonNode event) {
    if (!"2.0".equals(text(event, "version"))) {
      throw new IllegalArgumentException("not an HTTP event of payload format 2.0");
    }
    String method = text(event.path("requestContext").path("http"), "method");
    String path = text(event, "rawPath");
    if (method == null || path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("the event has no method or path");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    event.path("headers").fields().forEachRemaining(header -> {
      if (header.getValue().isTextual()) {
        headers.put(header.getKey().toLowerCase(Locale.ROOT), List.of(header.getValue().asText()));
      }
    });
    List<String> cookies = new ArrayList<>();
    event.path("cookies").forEach(cookie -> {
      if (cookie.isTextual()) {
        cookies.add(cookie.asText());
      }
    });
    if (!cookies.isEmpty()) { // RFC 6265 §5.4: one Cookie header, pairs joined by "; "
      headers.put("cookie", List.of(String.join("; ", cookies)));
    }
    String body = text(event, "body");
    byte[] bytes = null;
    if (body != null) {
      bytes = event.path("isBase64Encoded").asBoolean(false)
          ? Base64.getDecoder().decode(body)
          : body.getBytes(StandardCharsets.UTF_8);
    }
    String query = text(event, "rawQueryString");
    return new HttpEvent(method, path, query == null || query.isEmpty() ? null : query,
        Collections.unmodifiableMap(headers), bytes);
  }

  /** Every value of a header (case-insensitive name); empty when absent. */
  List<String> header(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  /** The one value of a header, or {@code null} when absent. */
  String firstHeader(String name) {
    List<String> values = header(name);
    return values.isEmpty() ? null : values.get(0);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }
}
