package dev.mcpauth.fetch;

import dev.mcpauth.internal.Uris;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A URL that passed the fetcher's URL rules, taken apart: https (http only to loopback, and only
 * when the relaxation is on), absolute, with a host, without user info (credentials we would send
 * nowhere) or a fragment (a client id is compared as a whole string; a fragment never reaches the
 * server anyway).
 *
 * @param host lower case, without the brackets of an IPv6 literal
 * @param port the URL's port, or the scheme's default
 * @param literal the address, if the host is an IP literal; else {@code null}
 */
record FetchTarget(URI uri, String scheme, String host, int port, InetAddress literal) {
  private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  static FetchTarget of(URI url, boolean allowLoopback) throws FetchException {
    if (url == null || !url.isAbsolute() || url.isOpaque() || url.getHost() == null || url.getRawUserInfo() != null
        || url.getRawFragment() != null || !Uris.isPrintableAscii(url.toString())) {
      throw notAllowed();
    }
    if (url.getPort() == 0 || url.getPort() > 65535) {
      throw notAllowed(); // HttpClient would throw on 65536 and send port 0 to the scheme's default
    }
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowLoopback && scheme.equals("http"))) {
      throw notAllowed();
    }
    String host = url.getHost().toLowerCase(Locale.ROOT);
    InetAddress literal = null;
    if (host.startsWith("[") && host.endsWith("]")) {
      literal = parseIpv6(host);
      host = host.substring(1, host.length() - 1);
    } else if (DOTTED_QUAD.matcher(host).matches()) {
      literal = parseIpv4(host);
    }
    int port = url.getPort() != -1 ? url.getPort() : scheme.equals("https") ? 443 : 80;
    return new FetchTarget(url, scheme, host, port, literal);
  }

  boolean secure() {
    return scheme.equals("https");
  }

  /** By hand: {@link InetAddress#getByName} would look up "999.1.1.1" as a name. */
  private static InetAddress parseIpv4(String host) throws FetchException {
    String[] parts = host.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int part = Integer.parseInt(parts[i]);
      if (part > 255) {
        throw notAllowed();
      }
      bytes[i] = (byte) part;
    }
    return address(bytes);
  }

  /** Brackets included: then {@link InetAddress#getByName} parses and never looks anything up. */
  private static InetAddress parseIpv6(String bracketed) throws FetchException {
    if (bracketed.contains("%")) { // a zone names an interface of this machine
      throw notAllowed();
    }
    try {
      return InetAddress.getByName(bracketed);
    } catch (UnknownHostException e) {
      throw notAllowed();
    }
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are an IPv4 address", e);
    }
  }

  static FetchException notAllowed() {
    return FetchException.of(FetchException.Reason.NOT_ALLOWED_URL,
        "the URL is not allowed: it must be an absolute https URL with a host, a valid port, only ASCII"
            + " characters and no user info or fragment");
  }
}
