package dev.mcpauth.fetch;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Whether an address is one a fetch of an attacker-chosen URL must not reach: the IANA special-use
 * registries (RFC 6890 and the RFCs that updated them) for IPv4 and IPv6. IPv6 forms that carry an
 * IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that IPv4 address, since a connection
 * to them ends at it. IPv6 outside 2000::/3 that no entry names is unassigned (RFC 4291 §2.4) and
 * counts as special-use too. Stateless and thread-safe.
 */
final class SpecialUseAddresses {
  private static final List<Block> IPV4 = List.of(
      Block.of("0.0.0.0", 8), // "this network", RFC 791; Linux connects 0.0.0.0 to itself
      Block.of("10.0.0.0", 8), // private, RFC 1918
      Block.of("100.64.0.0", 10), // shared address space (carrier-grade NAT), RFC 6598
      Block.of("127.0.0.0", 8), // loopback, RFC 1122
      Block.of("169.254.0.0", 16), // link local, RFC 3927: cloud metadata services live here
      Block.of("172.16.0.0", 12), // private, RFC 1918
      Block.of("192.0.0.0", 24), // IETF protocol assignments, RFC 6890
      Block.of("192.0.2.0", 24), // documentation, RFC 5737
      Block.of("192.88.99.0", 24), // 6to4 relay anycast, RFC 7526 (deprecated)
      Block.of("192.168.0.0", 16), // private, RFC 1918
      Block.of("198.18.0.0", 15), // benchmarking, RFC 2544
      Block.of("198.51.100.0", 24), // documentation, RFC 5737
      Block.of("203.0.113.0", 24), // documentation, RFC 5737
      Block.of("224.0.0.0", 4), // multicast, RFC 5771
      Block.of("240.0.0.0", 4)); // reserved, RFC 1112; includes broadcast 255.255.255.255, RFC 919

  private static final List<Block> IPV6 = List.of(
      Block.of("::", 128), // unspecified, RFC 4291
      Block.of("::1", 128), // loopback, RFC 4291
      Block.of("64:ff9b:1::", 48), // local-use NAT64, RFC 8215: not globally reachable
      Block.of("100::", 64), // discard-only, RFC 6666
      Block.of("2001::", 23), // IETF protocol assignments (Teredo, ORCHID...), RFC 2928
      Block.of("2001:db8::", 32), // documentation, RFC 3849
      Block.of("3fff::", 20), // documentation, RFC 9637
      Block.of("5f00::", 16), // segment routing SIDs, RFC 9602
      Block.of("fc00::", 7), // unique local, RFC 4193
      Block.of("fe80::", 10), // link local, RFC 4291
      Block.of("fec0::", 10), // site local, RFC 3879 (deprecated)
      Block.of("ff00::", 8)); // multicast, RFC 4291

  private static final Block MAPPED = new Block(mappedPrefix(), 96); // RFC 4291 §2.5.5.2
  private static final Block COMPATIBLE = Block.of("::", 96); // RFC 4291 §2.5.5.1 (deprecated)
  private static final Block NAT64 = Block.of("64:ff9b::", 96); // RFC 6052 §2.1
  private static final Block SIX_TO_FOUR = Block.of("2002::", 16); // RFC 3056 §2
  private static final Block GLOBAL_UNICAST = Block.of("2000::", 3); // RFC 4291 §2.4
  private static final byte[] IPV6_LOOPBACK = Block.parse("::1");

  private SpecialUseAddresses() {}

  static boolean isSpecialUse(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      return IPV4.stream().anyMatch(block -> block.contains(bytes));
    }
    if (IPV6.stream().anyMatch(block -> block.contains(bytes))) {
      return true;
    }
    byte[] embedded = embeddedIpv4(bytes);
    if (embedded != null) {
      return IPV4.stream().anyMatch(block -> block.contains(embedded));
    }
    return !GLOBAL_UNICAST.contains(bytes);
  }

  /** 127.0.0.0/8, ::1, and ::ffff:127.0.0.0/104 (which the kernel delivers to loopback too). */
  static boolean isLoopback(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      return bytes[0] == 127;
    }
    if (Arrays.equals(bytes, IPV6_LOOPBACK)) {
      return true;
    }
    return MAPPED.contains(bytes) && bytes[12] == 127;
  }

  /** ::ffff:0:0, built by hand: Java parses that literal as the IPv4 address 0.0.0.0. */
  private static byte[] mappedPrefix() {
    byte[] prefix = new byte[16];
    prefix[10] = (byte) 0xff;
    prefix[11] = (byte) 0xff;
    return prefix;
  }

  /** The IPv4 address an IPv6 address carries, or {@code null}. */
  private static byte[] embeddedIpv4(byte[] ipv6) {
    if (MAPPED.contains(ipv6) || COMPATIBLE.contains(ipv6) || NAT64.contains(ipv6)) {
      return Arrays.copyOfRange(ipv6, 12, 16);
    }
    if (SIX_TO_FOUR.contains(ipv6)) {
      return Arrays.copyOfRange(ipv6, 2, 6);
    }
    return null;
  }

  /** An address prefix: the first {@code bits} bits of {@code prefix}, a 4 or 16 byte address. */
  private record Block(byte[] prefix, int bits) {
    static Block of(String literal, int bits) {
      return new Block(parse(literal), bits);
    }

    /** Only for the literals above: no name lookup happens for a literal. */
    static byte[] parse(String literal) {
      try {
        InetAddress address = InetAddress.getByName(literal);
        if (address instanceof Inet4Address && literal.contains(":")) {
          throw new IllegalArgumentException("a mapped literal parses as IPv4: " + literal);
        }
        return address.getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(literal, e);
      }
    }

    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (prefix[full] & mask);
    }
  }
}
