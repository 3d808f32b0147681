package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.ratelimit.LimitedAction;
import dev.mcpauth.ratelimit.RateLimit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example's --trusted-proxy and --rate-limit flags. */
class RateLimitOptionsTest {
  @Test
  void flagsWhenGivenThenRead() {
    ExampleOptions.Limits limits = ExampleOptions.parse(Map.of(), "--trusted-proxy", "10.0.0.0/8", "--trusted-proxy",
        "2001:db8::/32", "--rate-limit", "registration=100/hour,1000/day", "--rate-limit", "token=off").limits();

    assertThat(limits.trustedProxies()).containsExactly("10.0.0.0/8", "2001:db8::/32");
    assertThat(limits.rateLimits()).containsOnly(
        Map.entry(LimitedAction.REGISTRATION, List.of(RateLimit.perHour(100), RateLimit.perDay(1000))),
        Map.entry(LimitedAction.TOKEN, List.of()));
  }

  @Test
  void flagsWhenMalformedThenSayWhatIsWrong() {
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--trusted-proxy", "proxy.internal"))
        .hasMessageContaining("--trusted-proxy: trusted proxy 'proxy.internal' is not an address or CIDR block");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--rate-limit", "signup=1/hour"))
        .hasMessageContaining("NAME one of authorization, introspection, login-per-address, login-per-user,"
            + " registration, token");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--rate-limit", "token=5/week"))
        .hasMessageContaining("--rate-limit token=5/week: a rate limit's unit is second, minute, hour or day");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--authorization-server", "https://as.example.com",
        "--trusted-proxy", "10.0.0.0/8")).hasMessageContaining("embedded authorization server");
  }
}
