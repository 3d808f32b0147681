package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** AES-256-GCM sealing of upstream tokens, bound to the grant. */
class UpstreamTokenSealerTest {
  private final String key = UpstreamTokenSealer.newKey();
  private final UpstreamTokenSealer sealer = UpstreamTokenSealer.of(key);
  private final UpstreamTokens tokens = new UpstreamTokens("upstream-access-secret", "upstream-refresh-secret",
      Instant.parse("2026-06-01T12:00:00Z"), "openid profile");

  @Test
  void sealWhenOpenedForTheSameGrantThenTheSameTokensAndNoPlaintextStored() {
    String sealed = sealer.seal(tokens, "grant-1");
    assertThat(sealed).startsWith("v1.").doesNotContain("upstream-access-secret").doesNotContain("upstream-refresh-secret");
    assertThat(sealer.open(sealed, "grant-1")).isEqualTo(tokens);
    assertThat(sealer.seal(tokens, "grant-1")).as("a fresh nonce each time").isNotEqualTo(sealed);
  }

  @Test
  void openWhenAnotherGrantOrAlteredOrAnotherKeyThenRefused() {
    String sealed = sealer.seal(tokens, "grant-1");
    assertThatThrownBy(() -> sealer.open(sealed, "grant-2")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another grant");
    char[] chars = sealed.toCharArray();
    chars[chars.length - 5] = chars[chars.length - 5] == 'A' ? 'B' : 'A';
    assertThatThrownBy(() -> sealer.open(new String(chars), "grant-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UpstreamTokenSealer.of(UpstreamTokenSealer.newKey()).open(sealed, "grant-1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sealer.open("garbage", "grant-1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rotationWhenANewKeyIsCurrentThenOldValuesStillOpenAndNewOnesUseTheNewKey() {
    String old = sealer.seal(tokens, "grant-1");
    UpstreamTokenSealer rotated = UpstreamTokenSealer.of(UpstreamTokenSealer.newKey(), key);
    assertThat(rotated.open(old, "grant-1")).isEqualTo(tokens);
    String fresh = rotated.seal(tokens, "grant-1");
    assertThat(fresh.split("\\.")[1]).isNotEqualTo(old.split("\\.")[1]);
    assertThatThrownBy(() -> sealer.open(fresh, "grant-1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysWhenWrongSizeThenRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> UpstreamTokenSealer.of("c2hvcnQ=")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("c2hvcnQ=");
    assertThat(sealer.toString()).doesNotContain(key);
    assertThat(tokens.toString()).doesNotContain("upstream-access-secret").doesNotContain("upstream-refresh-secret");
  }
}
