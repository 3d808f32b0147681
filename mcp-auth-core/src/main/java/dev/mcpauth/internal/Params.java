package dev.mcpauth.internal;

import dev.mcpauth.OAuthException;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parameters of a query string or form body.
 *
 * <p>RFC 6749 §3.1 and §3.2: parameters sent without a value count as omitted, and no parameter may
 * appear twice (except those named repeatable, such as RFC 8707 {@code resource}). Immutable.
 */
public final class Params {
  /** More parameters than any OAuth request needs: refuse instead of parsing a flood. */
  private static final int MAX_PARAMETERS = 64;

  private final Map<String, List<String>> values;

  private Params(Map<String, List<String>> values) {
    this.values = values;
  }

  /** Parses with Nimbus, then drops empty values (RFC 6749 §3.1: they count as omitted). */
  public static Params parse(String encoded) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return new Params(values);
    }
    if (encoded.chars().filter(c -> c == '&').count() >= MAX_PARAMETERS) {
      throw OAuthException.invalidRequest("Too many parameters");
    }
    requireWellFormedPercentEncoding(encoded);
    URLUtils.parseParameters(encoded)
        .forEach(
            (name, list) -> {
              List<String> present = list.stream().filter(v -> v != null && !v.isEmpty()).toList();
              if (!present.isEmpty()) {
                values.put(name, present);
              }
            });
    return new Params(values);
  }

  /**
   * Every {@code %} must start an escape of two hex digits (RFC 3986 §2.1): the parser below drops a
   * parameter it cannot decode, which would read {@code scope=%zz} as no scope at all, the default.
   */
  private static void requireWellFormedPercentEncoding(String encoded) {
    if (!isWellFormedPercentEncoding(encoded)) {
      throw OAuthException.invalidRequest("A parameter has a malformed percent-encoding");
    }
  }

  /** Whether every {@code %} in {@code encoded} starts an escape of two ASCII hex digits (RFC 3986 §2.1). */
  public static boolean isWellFormedPercentEncoding(String encoded) {
    for (int i = encoded.indexOf('%'); i >= 0; i = encoded.indexOf('%', i + 1)) {
      if (i + 2 >= encoded.length() || !isHexDigit(encoded.charAt(i + 1)) || !isHexDigit(encoded.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  /** ASCII only: {@code Character.digit} would also take other scripts' digits. */
  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Refuses any parameter given more than once, except the named repeatable ones. */
  public Params requireNoDuplicates(Set<String> repeatable) {
    for (Map.Entry<String, List<String>> entry : values.entrySet()) {
      if (entry.getValue().size() > 1 && !repeatable.contains(entry.getKey())) {
        throw OAuthException.invalidRequest(
            "Parameter " + safeName(entry.getKey()) + " is included more than once");
      }
    }
    return this;
  }

  /** The value of a parameter that may appear at most once. */
  public Optional<String> first(String name) {
    List<String> list = values.get(name);
    return list == null ? Optional.empty() : Optional.of(list.get(0));
  }

  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The values as Nimbus parsers take them. */
  public Map<String, List<String>> asMap() {
    return Collections.unmodifiableMap(values);
  }

  /** Parameter names come from the client: cut and quote them before they go into a message. */
  private static String safeName(String name) {
    String shortName = name.length() > 40 ? name.substring(0, 40) + "..." : name;
    return "'" + shortName.replaceAll("[^A-Za-z0-9_.-]", "?") + "'";
  }
}
