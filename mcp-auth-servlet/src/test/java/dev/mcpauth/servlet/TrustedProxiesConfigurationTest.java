package dev.mcpauth.servlet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.ratelimit.LimitedAction;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rate-limit configuration mistakes fail when building, saying what to fix. */
class TrustedProxiesConfigurationTest {
  private final AuthorizationServer server = AuthorizationServer.builder()
      .issuer("http://localhost:8080").resource("http://localhost:8080/mcp").build();

  @Test
  void buildWhenTrustedProxyIsANameOrABadBlockThenRefusedNamingIt() {
    McpAuthServlets.Builder withName = McpAuthServlets.builder(server)
        .pages(ConsentPage.withLogin(UserAuthenticator.ofUsers(Map.of("alice", "x"))))
        .trustedProxies("10.0.0.0/8", "lb.internal");
    assertThatThrownBy(withName::build).isInstanceOf(IllegalStateException.class)
        .hasMessage("Invalid mcp-auth configuration: trusted proxy 'lb.internal' is not an address or CIDR block,"
            + " e.g. 10.0.0.0/8 or 2001:db8::/32");
    McpAuthServlets.Builder tooLong = McpAuthServlets.builder(server)
        .pages(ConsentPage.withLogin(UserAuthenticator.ofUsers(Map.of("alice", "x"))))
        .trustedProxies("2001:db8::/129");
    assertThatThrownBy(tooLong::build).hasMessageContaining("prefix length outside 0..128");
  }

  @Test
  void rateLimitWhenNoLimitGivenThenSaysHowToTurnItOff() {
    assertThatThrownBy(() -> AuthorizationServer.builder().rateLimit(LimitedAction.TOKEN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("withoutRateLimit(TOKEN)");
  }
}
