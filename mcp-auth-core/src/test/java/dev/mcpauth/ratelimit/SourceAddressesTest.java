package dev.mcpauth.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceAddressesTest {
  private final SourceAddresses direct = SourceAddresses.direct();
  private final SourceAddresses behindProxies = SourceAddresses.trustingProxies(
      List.of("10.0.0.0/8", "2001:db8:ffff::/48"), SourceAddresses.Header.X_FORWARDED_FOR);
  private final SourceAddresses behindRfc7239 = SourceAddresses.trustingProxies(
      List.of("10.0.0.0/8"), SourceAddresses.Header.FORWARDED);

  @Test
  void resolveWhenNoTrustedProxyThenConnectionAddressWhateverTheHeaders() {
    assertThat(direct.resolve("192.0.2.1", List.of("198.51.100.7"))).isEqualTo("192.0.2.1");
    assertThat(behindProxies.resolve("192.0.2.1", List.of("198.51.100.7"))).isEqualTo("192.0.2.1");
  }

  @Test
  void resolveWhenThroughTrustedProxiesThenFirstUntrustedFromTheRight() {
    assertThat(behindProxies.resolve("10.0.0.1", List.of("198.51.100.7"))).isEqualTo("198.51.100.7");
    assertThat(behindProxies.resolve("10.0.0.1", List.of("6.6.6.6, 198.51.100.7, 10.1.2.3"))).isEqualTo("198.51.100.7");
    assertThat(behindProxies.resolve("10.0.0.1", List.of("6.6.6.6", "198.51.100.7"))).isEqualTo("198.51.100.7");
    assertThat(behindProxies.resolve("10.0.0.1", List.of("198.51.100.7:4711"))).isEqualTo("198.51.100.7");
  }

  @Test
  void resolveWhenHeaderMissingOrAllTrustedOrGarbledThenNearestProxy() {
    assertThat(behindProxies.resolve("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    assertThat(behindProxies.resolve("10.0.0.1", List.of("10.9.9.9"))).isEqualTo("10.9.9.9");
    assertThat(behindProxies.resolve("10.0.0.1", List.of("unknown"))).isEqualTo("10.0.0.1");
    // A name is never looked up: it is not an address.
    assertThat(behindProxies.resolve("10.0.0.1", List.of("localhost, 10.2.2.2"))).isEqualTo("10.2.2.2");
    assertThat(behindProxies.resolve("10.0.0.1", List.of("999.1.1.1"))).isEqualTo("10.0.0.1");
    assertThat(behindProxies.resolve("10.0.0.1", List.of("1.2.3.4.5"))).isEqualTo("10.0.0.1");
    assertThat(behindProxies.resolve("10.0.0.1", List.of("1:2:3"))).isEqualTo("10.0.0.1");
  }

  @Test
  void resolveWhenForwardedHeaderThenItsForParametersQuotedAndBracketed() {
    assertThat(behindRfc7239.resolve("10.0.0.1",
        List.of("for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.2;by=10.0.0.1")))
        .isEqualTo("2001:db8:cafe:0:0:0:0:0/64");
    assertThat(behindRfc7239.resolve("10.0.0.1", List.of("For=198.51.100.7"))).isEqualTo("198.51.100.7");
    assertThat(behindRfc7239.resolve("10.0.0.1", List.of("for=_hidden"))).isEqualTo("10.0.0.1");
  }

  @Test
  void resolveWhenIpv6ThenCountedByItsSlash64() {
    assertThat(direct.resolve("2001:db8:1:2:aaaa::1", List.of()))
        .isEqualTo(direct.resolve("2001:db8:1:2:bbbb::9", List.of()))
        .isEqualTo("2001:db8:1:2:0:0:0:0/64");
    assertThat(behindProxies.resolve("2001:db8:ffff::5", List.of("2001:db8:3::1"))).isEqualTo("2001:db8:3:0:0:0:0:0/64");
  }

  @Test
  void trustingProxiesWhenBlockMalformedThenNamesIt() {
    assertThatThrownBy(() -> SourceAddresses.trustingProxies(List.of("proxy.example.com"), SourceAddresses.Header.FORWARDED))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'proxy.example.com' is not an address");
    assertThatThrownBy(() -> SourceAddresses.trustingProxies(List.of("10.0.0.0/33"), SourceAddresses.Header.FORWARDED))
        .hasMessageContaining("prefix length outside 0..32");
    assertThatThrownBy(() -> SourceAddresses.trustingProxies(List.of("10.0.0.0/x"), SourceAddresses.Header.FORWARDED))
        .hasMessageContaining("prefix length");
  }
}
