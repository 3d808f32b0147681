package dev.mcpauth.http;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an endpoint answers: a status, headers and a body. Adapters write it as it is and decide
 * nothing.
 *
 * <p>The body may carry tokens or a client secret, so {@link #toString()} leaves it out. Immutable
 * and thread-safe.
 *
 * @param status the HTTP status code
 * @param headers response headers in the order they should be written
 * @param body the body as text, or {@code null} for none; its type is in {@code Content-Type}
 */
public record EndpointResponse(int status, Map<String, String> headers, String body) {
  public static final String JSON = "application/json;charset=UTF-8";

  public EndpointResponse {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(headers)));
  }

  /** A JSON response that no cache may keep, as RFC 6749 §5.1 requires for anything with tokens. */
  public static EndpointResponse noStoreJson(int status, String json) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", JSON);
    headers.put("Cache-Control", "no-store");
    headers.put("Pragma", "no-cache");
    return new EndpointResponse(status, headers, json);
  }

  /** A public JSON document (metadata, keys) that caches may keep for {@code maxAgeSeconds}. */
  public static EndpointResponse cacheableJson(String json, long maxAgeSeconds) {
    return new EndpointResponse(
        200,
        Map.of("Content-Type", JSON, "Cache-Control", "public, max-age=" + maxAgeSeconds),
        json);
  }

  /** A 302 redirect that carries a code or an error in its query: never cached. */
  public static EndpointResponse redirect(URI location) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Location", location.toString());
    headers.put("Cache-Control", "no-store");
    return new EndpointResponse(302, headers, null);
  }

  public Optional<String> header(String name) {
    return headers.entrySet().stream()
        .filter(entry -> entry.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /** A copy with another status. */
  public EndpointResponse withStatus(int newStatus) {
    return new EndpointResponse(newStatus, headers, body);
  }

  /** A copy with one more header. */
  public EndpointResponse withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new EndpointResponse(status, copy, body);
  }

  @Override
  public String toString() {
    return "EndpointResponse[status="
        + status
        + ", headers="
        + headers.keySet()
        + ", bodyLength="
        + (body == null ? 0 : body.length())
        + "]";
  }
}
