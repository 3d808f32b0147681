package dev.mcpauth.http;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An HTTP request as an endpoint of this library sees it, independent of any web framework. Adapters
 * build one per request; endpoints decide and answer with an {@link EndpointResponse}.
 *
 * <p>Header names are case-insensitive. {@link #toString()} leaves out the body and the {@code
 * Authorization} header, which may carry credentials. Immutable and thread-safe.
 *
 * @param method the HTTP method, upper case
 * @param query the raw (still percent-encoded) query string without {@code ?}, or {@code null}
 * @param headers request headers; where a header was repeated, its values joined with {@code ", "}
 * @param body the request body decoded as UTF-8, or {@code null} when there is none
 */
public record EndpointRequest(String method, String query, Map<String, String> headers, String body) {

  public EndpointRequest {
    Objects.requireNonNull(method, "method");
    method = method.toUpperCase(Locale.ROOT);
    TreeMap<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      caseInsensitive.putAll(headers);
    }
    headers = Collections.unmodifiableMap(caseInsensitive);
  }

  public static EndpointRequest get(String query) {
    return new EndpointRequest("GET", query, Map.of(), null);
  }

  public static EndpointRequest form(String body) {
    return new EndpointRequest(
        "POST", null, Map.of("Content-Type", "application/x-www-form-urlencoded"), body);
  }

  public static EndpointRequest json(String body) {
    return new EndpointRequest("POST", null, Map.of("Content-Type", "application/json"), body);
  }

  /** A copy of this request with one more header (replacing one of the same name). */
  public EndpointRequest withHeader(String name, String value) {
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(headers);
    copy.put(name, value);
    return new EndpointRequest(method, query, copy, body);
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /** The media type of the body without parameters, lower case, or empty. */
  public Optional<String> mediaType() {
    return header("Content-Type")
        .map(value -> value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
        .filter(value -> !value.isEmpty());
  }

  @Override
  public String toString() {
    return "EndpointRequest[method="
        + method
        + ", mediaType="
        + mediaType().orElse("none")
        + ", bodyLength="
        + (body == null ? 0 : body.length())
        + ", authorization="
        + (headers.containsKey("Authorization") ? "present" : "absent")
        + "]";
  }
}
