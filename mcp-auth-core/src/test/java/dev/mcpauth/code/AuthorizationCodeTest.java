package dev.mcpauth.code;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.OAuthException;
import dev.mcpauth.event.EventType;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Concurrently;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Authorization codes: single use, bound to client, redirect URI and PKCE (RFC 6749 §4.1.2, §10.5). */
class AuthorizationCodeTest {
  private final TestServer test = TestServer.create();
  private final TestClient client = test.registerPublic("https://app.example.com/cb");

  @Test
  void tokenWhenCodeUsedTwiceThenSecondFailsWithInvalidGrant() {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    assertThat(test.exchange(client, code, pkce).status()).isEqualTo(200);
    assertError(test.exchange(client, code, pkce), 400, "invalid_grant");
  }

  @Test
  void tokenWhenFiftyThreadsExchangeOneCodeThenAtMostOneSucceedsAndTheGrantEnds() throws Exception {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    List<EndpointResponse> responses = Concurrently.run(50, () -> test.exchange(client, code, pkce));

    // Exactly one exchange consumes the code; the others are replays, which revoke the grant. If a
    // replay's revocation lands before the winner has read the grant, the winner fails too: never two.
    List<EndpointResponse> won = responses.stream().filter(r -> r.status() == 200).toList();
    assertThat(won).hasSizeLessThanOrEqualTo(1);
    assertThat(responses).filteredOn(r -> r.status() == 400).hasSize(50 - won.size());
    for (EndpointResponse winner : won) {
      String accessToken = TestServer.TokenPair.from(winner).accessToken();
      assertThatThrownBy(() -> test.server.verifier(TestServer.RESOURCE).verify(accessToken))
          .as("the replays revoked the winner's grant").isInstanceOf(dev.mcpauth.OAuthException.class);
    }
  }

  @Test
  void tokenWhenCodeReplayedThenTokensIssuedFromItAreRevoked() {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);
    TestServer.TokenPair tokens = TestServer.TokenPair.from(test.exchange(client, code, pkce));
    assertThat(test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken()).subject()).isEqualTo("alice");

    test.exchange(client, code, pkce);

    assertThatThrownBy(() -> test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken()))
        .isInstanceOf(OAuthException.class).hasMessageContaining("invalid_token");
    assertError(test.refresh(client, tokens.refreshToken()), 400, "invalid_grant");
    assertThat(test.events.types()).contains(EventType.CODE_REPLAYED, EventType.GRANT_REVOKED);
  }

  @Test
  void tokenWhenCodeReplayedThenOtherGrantsSurvive() {
    TestServer.TokenPair other = test.tokens(client);
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);
    test.exchange(client, code, pkce);

    test.exchange(client, code, pkce);

    assertThat(test.server.verifier(TestServer.RESOURCE).verify(other.accessToken()).clientId()).isEqualTo(client.clientId());
  }

  @Test
  void tokenWhenCodePresentedByAnotherClientThenInvalidGrantAndGrantRevoked() {
    TestClient thief = test.registerPublic("https://thief.example.com/cb");
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    EndpointResponse response = test.token(thief, Map.of("grant_type", "authorization_code", "code", code,
        "redirect_uri", client.redirectUri(), "code_verifier", pkce.verifier()));

    assertError(response, 400, "invalid_grant");
    assertError(test.exchange(client, code, pkce), 400, "invalid_grant");
    assertThat(test.events.types()).contains(EventType.TOKEN_PRESENTED_BY_WRONG_CLIENT);
  }

  @Test
  void tokenWhenCodeUnknownThenInvalidGrant() {
    assertError(test.exchange(client, "not-a-code", Pkce.generate()), 400, "invalid_grant");
  }

  @Test
  void tokenWhenRefreshTokenPresentedAsCodeThenInvalidGrant() {
    TestServer.TokenPair tokens = test.tokens(client);

    assertError(test.exchange(client, tokens.refreshToken(), Pkce.generate()), 400, "invalid_grant");
  }

  @Test
  void authorizeWhenApprovedThenRedirectCarriesCodeStateAndIssuer() {
    Map<String, String> query = TestServer.query(test.approve(test.authorizeParams(client, Pkce.generate())));

    assertThat(query).containsKeys("code").containsEntry("state", "state-123").containsEntry("iss", TestServer.ISSUER);
    assertThat(query.get("code")).hasSizeGreaterThanOrEqualTo(43);
  }
}
