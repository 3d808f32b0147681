package dev.mcpauth.ratelimit;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who sent a request, for per-address limits: the connection's peer, unless that peer is a trusted
 * proxy (by CIDR), in which case the proxy's forwarding header is read from the right, skipping
 * trusted proxies, and the first other address is the source. Everything left of it was written by
 * the client and is never believed. Only literal addresses are parsed; no name is ever looked up.
 *
 * <p>Only one header is read: the one the proxies write ({@code X-Forwarded-For} by default, or RFC
 * 7239 {@code Forwarded}). Reading both would let a client send the other one, which a proxy that
 * writes only one passes along untouched, and pick its own address.
 *
 * <p>An IPv6 source counts by its /64 prefix: one host is usually given a whole /64 and could
 * otherwise use a fresh address for every request. Immutable and thread-safe.
 */
public final class SourceAddresses {
  /** Which forwarding header the trusted proxies write. */
  public enum Header {
    /** {@code X-Forwarded-For: client, proxy1, proxy2} (nginx, HAProxy, cloud load balancers). */
    X_FORWARDED_FOR,
    /** {@code Forwarded: for=client, for=proxy1} (RFC 7239 §4). */
    FORWARDED
  }

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final SourceAddresses DIRECT = new SourceAddresses(List.of(), Header.X_FORWARDED_FOR);

  private record Block(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < bits; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Block> trusted;
  private final Header header;

  private SourceAddresses(List<Block> trusted, Header header) {
    this.trusted = trusted;
    this.header = header;
  }

  /** No proxies: the source is always the connection's peer. */
  public static SourceAddresses direct() {
    return DIRECT;
  }

  /**
   * Requests from these proxies carry the source in {@code header}.
   *
   * @param cidrs e.g. {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address
   * @throws IllegalArgumentException naming a block that is not a literal CIDR
   */
  public static SourceAddresses trustingProxies(Collection<String> cidrs, Header header) {
    Objects.requireNonNull(header, "header");
    List<Block> blocks = new ArrayList<>();
    for (String cidr : cidrs) {
      blocks.add(block(cidr));
    }
    return new SourceAddresses(List.copyOf(blocks), header);
  }

  /** Which header the proxies write; meaningful only with trusted proxies. */
  public Header header() {
    return header;
  }

  /**
   * The source address of a request.
   *
   * @param peer the connection's remote address, a literal
   * @param headerValues each value of the configured header, in the order received
   * @return a key for per-address limits: the address (an IPv6 one as its {@code /64})
   */
  public String resolve(String peer, List<String> headerValues) {
    byte[] peerBytes = literal(peer);
    if (peerBytes == null) {
      return peer; // not an address (a Unix socket, a test container): it is its own key
    }
    if (!isTrusted(peerBytes) || headerValues == null || headerValues.isEmpty()) {
      return key(peerBytes);
    }
    List<String> hops = new ArrayList<>();
    for (String value : headerValues) {
      for (String element : value.split(",")) {
        hops.add(header == Header.FORWARDED ? forwardedFor(element) : element.strip());
      }
    }
    byte[] nearest = peerBytes;
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] hop = literal(stripPort(hops.get(i)));
      if (hop == null) {
        // A trusted proxy did not know ("unknown", an obfuscated name): count by that proxy.
        return key(nearest);
      }
      if (!isTrusted(hop)) {
        return key(hop);
      }
      nearest = hop;
    }
    return key(nearest);
  }

  private boolean isTrusted(byte[] address) {
    for (Block block : trusted) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The {@code for} parameter of one RFC 7239 element, unquoted; empty when it has none. */
  private static String forwardedFor(String element) {
    for (String pair : element.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
        String value = pair.substring(eq + 1).strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value;
      }
    }
    return "";
  }

  /** {@code [v6]:port} to {@code v6}, {@code v4:port} to {@code v4}. */
  private static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int end = hop.indexOf(']');
      return end > 0 ? hop.substring(1, end) : hop;
    }
    int colon = hop.indexOf(':');
    if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
      return hop.substring(0, colon);
    }
    return hop;
  }

  private static String key(byte[] address) {
    byte[] masked = address.clone();
    if (masked.length == 16) {
      for (int i = 8; i < 16; i++) {
        masked[i] = 0;
      }
    }
    try {
      InetAddress inet = InetAddress.getByAddress(masked);
      if (inet instanceof Inet6Address) {
        return inet.getHostAddress() + "/64";
      }
      return inet.getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bytes of a literal address, or null if {@code text} is not one; never a name lookup. */
  static byte[] literal(String text) {
    if (text == null || text.isEmpty() || text.length() > 64) {
      return null;
    }
    String candidate = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (candidate.indexOf('%') >= 0) {
      candidate = candidate.substring(0, candidate.indexOf('%')); // a zone index names no other host
    }
    // Octets checked here: a dotted string Java cannot parse as an address would be looked up as a name.
    boolean v4 = IPV4.matcher(candidate).matches()
        && java.util.Arrays.stream(candidate.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
    boolean v6 = candidate.indexOf(':') >= 0 && candidate.chars().allMatch(c -> c == ':' || c == '.'
        || Character.digit(c, 16) >= 0);
    if (!v4 && !v6) {
      return null;
    }
    try {
      InetAddress address = InetAddress.getByName(candidate);
      if (v4 && !(address instanceof Inet4Address)) {
        return null;
      }
      return address.getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static Block block(String cidr) {
    String text = cidr == null ? "" : cidr.strip();
    int slash = text.indexOf('/');
    byte[] network = literal(slash < 0 ? text : text.substring(0, slash));
    if (network == null) {
      throw new IllegalArgumentException("trusted proxy '" + cidr + "' is not an address or CIDR block,"
          + " e.g. 10.0.0.0/8 or 2001:db8::/32");
    }
    int max = network.length * 8;
    int bits = max;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > max) {
        throw new IllegalArgumentException("trusted proxy '" + cidr + "' has a prefix length outside 0.." + max);
      }
    }
    return new Block(network, bits);
  }
}
