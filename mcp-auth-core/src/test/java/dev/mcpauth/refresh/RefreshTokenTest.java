package dev.mcpauth.refresh;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.OAuthException;
import dev.mcpauth.event.EventType;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Concurrently;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.token.VerifiedToken;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Refresh tokens: rotation, reuse detection, scope narrowing, resource binding (OAuth 2.1 §4.3, §7.4.2). */
class RefreshTokenTest {
  private final TestServer test = TestServer.create();
  private final TestClient client = test.registerPublic("http://127.0.0.1/cb");

  @Test
  void refreshWhenUsedThenRotatesAndNewTokensWork() {
    TestServer.TokenPair first = test.tokens(client);

    TestServer.TokenPair second = TestServer.TokenPair.from(test.refresh(client, first.refreshToken()));

    assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
    assertThat(test.server.verifier(TestServer.RESOURCE).verify(second.accessToken()).subject()).isEqualTo("alice");
    assertThat(test.refresh(client, second.refreshToken()).status()).isEqualTo(200);
  }

  @Test
  void refreshWhenSupersededTokenPresentedThenWholeFamilyRevoked() {
    TestServer.TokenPair first = test.tokens(client);
    TestServer.TokenPair second = TestServer.TokenPair.from(test.refresh(client, first.refreshToken()));

    assertError(test.refresh(client, first.refreshToken()), 400, "invalid_grant");

    assertError(test.refresh(client, second.refreshToken()), 400, "invalid_grant");
    for (String access : List.of(first.accessToken(), second.accessToken())) {
      assertThatThrownBy(() -> test.server.verifier(TestServer.RESOURCE).verify(access))
          .isInstanceOf(OAuthException.class);
    }
    assertThat(test.events.types()).contains(EventType.REFRESH_TOKEN_REPLAYED, EventType.GRANT_REVOKED);
  }

  @Test
  void refreshWhenFiftyConcurrentWithOneTokenThenAtMostOneSucceedsAndTheGrantEnds() throws Exception {
    TestServer.TokenPair tokens = test.tokens(client);

    List<EndpointResponse> responses = Concurrently.run(50, () -> test.refresh(client, tokens.refreshToken()));

    // One refresh consumes the token; the others are replays (reuse detection), which revoke the
    // grant, so even the winner's new tokens end; if a revocation lands first, nobody succeeds.
    List<EndpointResponse> won = responses.stream().filter(r -> r.status() == 200).toList();
    assertThat(won).hasSizeLessThanOrEqualTo(1);
    assertThat(responses).filteredOn(r -> r.status() == 400).hasSize(50 - won.size());
    for (EndpointResponse winner : won) {
      assertThat(test.refresh(client, TestServer.TokenPair.from(winner).refreshToken()).status())
          .as("the replays revoked the grant").isEqualTo(400);
    }
  }

  @Test
  void refreshWhenScopeNarrowedThenAccessTokenHasNarrowScopeAndGrantKeepsFullScope() {
    Pkce pkce = Pkce.generate();
    Map<String, String> params = test.authorizeParams(client, pkce);
    params.put("scope", "mcp:read mcp:write");
    String code = TestServer.query(test.approve(params)).get("code");
    TestServer.TokenPair tokens = TestServer.TokenPair.from(test.exchange(client, code, pkce));

    EndpointResponse narrowed = test.token(client, Map.of("grant_type", "refresh_token",
        "refresh_token", tokens.refreshToken(), "scope", "mcp:read"));

    assertThat(Json.parse(narrowed.body()).get("scope").asText()).isEqualTo("mcp:read");
    TestServer.TokenPair next = TestServer.TokenPair.from(narrowed);
    VerifiedToken verified = test.server.verifier(TestServer.RESOURCE).verify(next.accessToken());
    assertThat(verified.scopes()).containsExactly("mcp:read");
    EndpointResponse full = test.refresh(client, next.refreshToken());
    assertThat(Json.parse(full.body()).get("scope").asText().split(" ")).containsExactlyInAnyOrder("mcp:read", "mcp:write");
  }

  @Test
  void refreshWhenScopeWidenedThenInvalidScopeAndTokenStillUsable() {
    TestServer.TokenPair tokens = test.tokens(client);

    EndpointResponse widened = test.token(client, Map.of("grant_type", "refresh_token",
        "refresh_token", tokens.refreshToken(), "scope", "mcp:read mcp:write"));

    assertError(widened, 400, "invalid_scope");
    assertThat(test.refresh(client, tokens.refreshToken()).status()).isEqualTo(200);
  }

  @Test
  void refreshWhenResourceDiffersThenInvalidTarget() {
    TestServer.TokenPair tokens = test.tokens(client);

    EndpointResponse response = test.token(client, Map.of("grant_type", "refresh_token",
        "refresh_token", tokens.refreshToken(), "resource", TestServer.OTHER_RESOURCE));

    assertError(response, 400, "invalid_target");
  }

  @Test
  void refreshWhenResourceRepeatedThenTokenStaysBoundToGrantResource() {
    TestServer.TokenPair tokens = test.tokens(client);

    EndpointResponse response = test.token(client, Map.of("grant_type", "refresh_token",
        "refresh_token", tokens.refreshToken(), "resource", TestServer.RESOURCE));

    VerifiedToken verified = test.server.verifier(TestServer.RESOURCE)
        .verify(TestServer.TokenPair.from(response).accessToken());
    assertThat(verified.audience()).isEqualTo(TestServer.RESOURCE);
  }

  @Test
  void refreshWhenPresentedByAnotherClientThenInvalidGrantAndFamilyRevoked() {
    TestServer.TokenPair tokens = test.tokens(client);
    TestClient other = test.registerPublic("http://127.0.0.1/other");

    assertError(test.refresh(other, tokens.refreshToken()), 400, "invalid_grant");

    assertError(test.refresh(client, tokens.refreshToken()), 400, "invalid_grant");
  }

  @Test
  void refreshWhenAccessTokenPresentedThenInvalidGrant() {
    TestServer.TokenPair tokens = test.tokens(client);

    assertError(test.refresh(client, tokens.accessToken()), 400, "invalid_grant");
  }

  @Test
  void tokenWhenPublicClientThenRefreshTokenIssued() {
    assertThat(test.tokens(client).refreshToken()).isNotBlank();
  }
}
