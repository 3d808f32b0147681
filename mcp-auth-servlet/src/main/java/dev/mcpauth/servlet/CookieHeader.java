package dev.mcpauth.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads this library's cookies from the raw {@code Cookie} headers exactly as a browser wrote them:
 * pairs separated by {@code ;}, each split at its first {@code =} (RFC 6265 §4.2.1, §5.4). The
 * container's parser is not used for them: Jetty, for one, reads a quoted value {@code a="x; b=y"}
 * across the separators, so a page of the same site that plants such a pair around them could hide
 * the browser's own cookies from the server while the browser still sends them.
 */
final class CookieHeader {
  private CookieHeader() {}

  /** Every value sent for {@code name}, in order; empty when none. */
  static List<String> values(HttpServletRequest request, String name) {
    List<String> values = new ArrayList<>(1);
    for (String header : Collections.list(request.getHeaders("Cookie"))) {
      for (String pair : header.split(";")) {
        int equals = pair.indexOf('=');
        if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
          values.add(pair.substring(equals + 1).trim());
        }
      }
    }
    return values;
  }

  /** The value of {@code name} when it was sent exactly once; null when absent or sent twice (one was planted). */
  static String single(HttpServletRequest request, String name) {
    List<String> values = values(request, name);
    return values.size() == 1 ? values.get(0) : null;
  }
}
