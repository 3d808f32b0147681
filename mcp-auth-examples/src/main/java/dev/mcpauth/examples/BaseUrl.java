package dev.mcpauth.examples;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The public base URL of the example and the proxy ({@code --base-url}, {@code BASE_URL}). */
public final class BaseUrl {
  private BaseUrl() {}

  /**
   * The URL without its trailing slashes: absolute http or https with a host, and no user name, query
   * or fragment (it becomes the issuer, published to every client).
   *
   * @throws IllegalArgumentException naming {@code source}, never echoing the value (it may hold a password)
   */
  public static String parse(String value, String source) {
    String problem = source + " takes an absolute http or https URL with a host and nothing after the path,"
        + " e.g. https://mcp.example.com";
    URI uri;
    try {
      uri = new URI(value.replaceAll("/+$", ""));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(problem);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(problem);
    }
    return uri.toString();
  }
}
