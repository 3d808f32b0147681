package dev.mcpauth.servlet;

import dev.mcpauth.internal.Params;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A form post whose body was already read (without holding a thread, by {@link BodyReader}): its
 * parameters are parsed here from that body, as UTF-8, the charset the pages are served in, and a
 * page's handler reads them through the usual {@code getParameter} methods. From the body only, unlike
 * the container's parameters (Servlet 6 §3.1 merges the query in): the pages' forms post no query, and
 * credentials in a URL end up in access logs.
 */
final class FormBodyRequest extends HttpServletRequestWrapper {
  /** A form of the pages has a handful of fields; more is refused rather than parsed. */
  private static final int MAX_PARAMETERS = 64;

  private final Map<String, String[]> parameters;

  private FormBodyRequest(HttpServletRequest request, Map<String, String[]> parameters) {
    super(request);
    this.parameters = Collections.unmodifiableMap(parameters);
  }

  /** @throws IllegalArgumentException when the query or body is not a form encoding */
  static FormBodyRequest of(HttpServletRequest request, byte[] body) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    parse(new String(body, StandardCharsets.UTF_8), values);
    Map<String, String[]> parameters = new LinkedHashMap<>();
    values.forEach((name, list) -> parameters.put(name, list.toArray(String[]::new)));
    return new FormBodyRequest(request, parameters);
  }

  private static void parse(String encoded, Map<String, List<String>> values) {
    if (encoded.isEmpty()) {
      return;
    }
    if (!Params.isWellFormedPercentEncoding(encoded)) {
      // the same rule as the OAuth endpoints: URLDecoder alone would read "%+6" as "%06"
      throw new IllegalArgumentException("malformed percent-encoding");
    }
    String[] pairs = encoded.split("&", -1);
    if (pairs.length > MAX_PARAMETERS) {
      throw new IllegalArgumentException("too many parameters");
    }
    for (String pair : pairs) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
  }

  @Override
  public String getParameter(String name) {
    String[] values = parameters.get(name);
    return values == null ? null : values[0];
  }

  @Override
  public String[] getParameterValues(String name) {
    String[] values = parameters.get(name);
    return values == null ? null : values.clone();
  }

  @Override
  public Map<String, String[]> getParameterMap() {
    return parameters;
  }

  @Override
  public Enumeration<String> getParameterNames() {
    return Collections.enumeration(parameters.keySet());
  }
}
