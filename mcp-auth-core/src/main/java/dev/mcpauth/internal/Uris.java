package dev.mcpauth.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** URI rules shared by configuration, registration and resource indicators. */
public final class Uris {
  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private Uris() {}

  public static Optional<URI> parse(String value) {
    try {
      return Optional.of(new URI(value));
    } catch (URISyntaxException | NullPointerException | NumberFormatException e) {
      // The JDK's parser lets a NumberFormatException out for an IPv4 part of an IPv6 literal with a
      // byte of more digits than an int holds (http://[::111111111111.1]/): malformed all the same.
      return Optional.empty();
    }
  }

  /** {@code localhost}, {@code 127.0.0.1} or {@code [::1]} (RFC 8252 §7.3, §8.3). */
  public static boolean isLoopbackHost(String host) {
    return host != null && LOOPBACK_HOSTS.contains(host.toLowerCase(Locale.ROOT));
  }

  /** https anywhere, or http on a loopback host. */
  public static boolean isSecureOrLoopback(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("https") || (scheme.equals("http") && isLoopbackHost(uri.getHost()));
  }

  /**
   * A resource URI in the form used for comparison: scheme and host lower case, default port and a
   * lone trailing slash dropped. {@code https://Mcp.example.com:443/} and {@code
   * https://mcp.example.com} compare equal; paths compare exactly otherwise.
   */
  public static String canonicalResource(URI uri) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return origin(uri) + path + query;
  }

  /**
   * {@code scheme://host[:port]} of an http(s) URI, scheme and host lower case, the port only when it
   * is not the scheme's default (RFC 6454 §6.1).
   */
  public static String origin(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  /**
   * Only what a URI can hold unescaped (RFC 3986 §2): any other character is shown or sent as
   * something else (U+202E reverses what follows; an HTTP client may turn it into '?').
   */
  public static boolean isPrintableAscii(String value) {
    return value.chars().allMatch(c -> c >= 0x21 && c <= 0x7E);
  }
}
