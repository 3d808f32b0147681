package dev.mcpauth.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The special-use registries (RFC 6890 and successors): both edges of every range, and neighbours. */
class SpecialUseAddressesTest {
  @ParameterizedTest(name = "{0}: special-use {1}, loopback {2}")
  @CsvSource({
      // IPv4
      "0.0.0.0,          true,  false",
      "0.255.255.255,    true,  false",
      "1.0.0.0,          false, false",
      "1.1.1.1,          false, false",
      "9.255.255.255,    false, false",
      "10.0.0.0,         true,  false",
      "10.255.255.255,   true,  false",
      "11.0.0.0,         false, false",
      "100.63.255.255,   false, false",
      "100.64.0.0,       true,  false",
      "100.127.255.255,  true,  false",
      "100.128.0.0,      false, false",
      "126.255.255.255,  false, false",
      "127.0.0.0,        true,  true",
      "127.0.0.1,        true,  true",
      "127.255.255.255,  true,  true",
      "128.0.0.0,        false, false",
      "169.253.255.255,  false, false",
      "169.254.0.0,      true,  false",
      "169.254.169.254,  true,  false",
      "169.254.255.255,  true,  false",
      "169.255.0.0,      false, false",
      "172.15.255.255,   false, false",
      "172.16.0.0,       true,  false",
      "172.31.255.255,   true,  false",
      "172.32.0.0,       false, false",
      "191.255.255.255,  false, false",
      "192.0.0.0,        true,  false",
      "192.0.0.255,      true,  false",
      "192.0.1.0,        false, false",
      "192.0.2.0,        true,  false",
      "192.0.2.255,      true,  false",
      "192.0.3.0,        false, false",
      "192.88.98.255,    false, false",
      "192.88.99.0,      true,  false",
      "192.88.99.255,    true,  false",
      "192.88.100.0,     false, false",
      "192.167.255.255,  false, false",
      "192.168.0.0,      true,  false",
      "192.168.255.255,  true,  false",
      "192.169.0.0,      false, false",
      "198.17.255.255,   false, false",
      "198.18.0.0,       true,  false",
      "198.19.255.255,   true,  false",
      "198.20.0.0,       false, false",
      "198.51.99.255,    false, false",
      "198.51.100.0,     true,  false",
      "198.51.100.255,   true,  false",
      "198.51.101.0,     false, false",
      "203.0.112.255,    false, false",
      "203.0.113.0,      true,  false",
      "203.0.113.255,    true,  false",
      "203.0.114.0,      false, false",
      "223.255.255.255,  false, false",
      "224.0.0.0,        true,  false",
      "239.255.255.255,  true,  false",
      "240.0.0.0,        true,  false",
      "255.255.255.254,  true,  false",
      "255.255.255.255,  true,  false",
      // IPv6
      "::,                         true,  false",
      "::1,                        true,  true",
      "::2,                        true,  false", // IPv4-compatible 0.0.0.2
      "::127.0.0.1,                true,  false", // IPv4-compatible loopback: deprecated, not relaxed
      "::10.0.0.1,                 true,  false", // IPv4-compatible, embedded 10/8
      "::8.8.8.8,                  false, false", // IPv4-compatible, embedded public
      "64:ff9b::7f00:1,            true,  false", // NAT64 of 127.0.0.1
      "64:ff9b::a9fe:a9fe,         true,  false", // NAT64 of 169.254.169.254
      "64:ff9b::808:808,           false, false", // NAT64 of 8.8.8.8
      "64:ff9b:1::808:808,         true,  false", // local-use NAT64 (RFC 8215): not global
      "64:ff9b:1:ffff::1,          true,  false",
      "64:ff9b:2::1,               true,  false", // outside 2000::/3, unassigned
      "100::,                      true,  false",
      "100::ffff:ffff:ffff:ffff,   true,  false",
      "100:0:0:1::,                true,  false", // outside 2000::/3
      "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, true, false",
      "2000::,                     false, false",
      "2001::1,                    true,  false", // Teredo
      "2001:1ff:ffff::1,           true,  false",
      "2001:200::1,                false, false",
      "2001:db7:ffff::1,           false, false",
      "2001:db8::1,                true,  false",
      "2001:db8:ffff:ffff::1,      true,  false",
      "2001:db9::1,                false, false",
      "2001:4860:4860::8888,       false, false",
      "2002:7f00:1::,              true,  false", // 6to4 of 127.0.0.1
      "2002:a00:1::1,              true,  false", // 6to4 of 10.0.0.1
      "2002:808:808::1,            false, false", // 6to4 of 8.8.8.8
      "2606:4700:4700::1111,       false, false",
      "3ffe:ffff::1,               false, false",
      "3fff::1,                    true,  false", // documentation, RFC 9637
      "3fff:fff::1,                true,  false",
      "3fff:1000::1,               false, false",
      "4000::1,                    true,  false", // outside 2000::/3
      "5f00::1,                    true,  false",
      "fbff:ffff::1,               true,  false",
      "fc00::1,                    true,  false",
      "fdff:ffff::1,               true,  false",
      "fe80::1,                    true,  false",
      "febf:ffff::1,               true,  false",
      "fec0::1,                    true,  false",
      "feff:ffff::1,               true,  false",
      "ff00::1,                    true,  false",
      "ff02::1,                    true,  false",
  })
  void isSpecialUseFollowsTheRegistry(String literal, boolean specialUse, boolean loopback) {
    InetAddress address = ScriptedResolver.address(literal);
    assertThat(SpecialUseAddresses.isSpecialUse(address)).isEqualTo(specialUse);
    assertThat(SpecialUseAddresses.isLoopback(address)).isEqualTo(loopback);
  }

  /** Java turns a ::ffff:a.b.c.d literal into IPv4; a resolver can still hand over the IPv6 form. */
  @ParameterizedTest(name = "::ffff:{0}: special-use {1}, loopback {2}")
  @CsvSource({
      "127.0.0.1,       true,  true",
      "10.0.0.1,        true,  false",
      "169.254.169.254, true,  false",
      "0.0.0.0,         true,  false",
      "8.8.8.8,         false, false",
  })
  void isSpecialUseWhenIpv4MappedThenJudgesTheEmbeddedAddressInBothForms(String ipv4, boolean specialUse,
      boolean loopback) throws Exception {
    InetAddress javaForm = InetAddress.getByName("[::ffff:" + ipv4 + "]");
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    System.arraycopy(InetAddress.getByName(ipv4).getAddress(), 0, bytes, 12, 4);
    InetAddress ipv6Form = Inet6Address.getByAddress(null, bytes, -1);

    assertThat(javaForm).isInstanceOf(Inet4Address.class);
    assertThat(ipv6Form).isInstanceOf(Inet6Address.class);
    for (InetAddress address : new InetAddress[] {javaForm, ipv6Form}) {
      assertThat(SpecialUseAddresses.isSpecialUse(address)).isEqualTo(specialUse);
      assertThat(SpecialUseAddresses.isLoopback(address)).isEqualTo(loopback);
    }
  }

  @Test
  void isSpecialUseWhenLinkLocalWithAScopeThenTrue() throws Exception {
    InetAddress scoped = Inet6Address.getByAddress(null, ScriptedResolver.address("fe80::1").getAddress(), 1);
    assertThat(SpecialUseAddresses.isSpecialUse(scoped)).isTrue();
  }
}
