package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What this server asks of the provider's endpoints, against one that answers HTML unless asked for JSON. */
class UpstreamClientTest {
  private final RotatingProvider provider = newProvider();
  private final UpstreamClient client = new UpstreamClient(provider.upstreamProvider(), Clock.systemUTC());

  @AfterEach
  void stop() {
    provider.close();
  }

  @Test
  void exchangeWhenTheProviderIsNotOpenIdThenTheTokenAndUserInfoRequestsAskForJson() {
    UpstreamClient.Login login;
    try {
      login = client.exchange("code-1", "verifier-".repeat(6), "nonce-1");
    } catch (dev.mcpauth.OAuthException e) {
      throw new AssertionError(e.getMessage() + " (" + e.internalDetail() + ")", e);
    }

    assertThat(login.subject()).isEqualTo("alice-upstream");
    assertThat(provider.accept("/token")).isEqualTo("application/json");
    assertThat(provider.accept("/userinfo")).isEqualTo("application/json");
  }

  private static RotatingProvider newProvider() {
    try {
      return new RotatingProvider();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
