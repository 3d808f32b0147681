package dev.mcpauth.revocation;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.token.SigningKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Token revocation (RFC 7009) and introspection (RFC 7662). */
class RevocationAndIntrospectionTest {
  private final TestServer test = TestServer.create();
  private final TestClient client = test.registerPublic("https://app.example.com/cb");

  private EndpointResponse revoke(TestClient as, String token) {
    return test.server.revocationEndpoint().handle(EndpointRequest.form(
        TestServer.encode(Map.of("token", token, "client_id", as.clientId()))));
  }

  private EndpointResponse introspect(TestClient as, String token) {
    return test.server.introspectionEndpoint().handle(EndpointRequest.form(
        TestServer.encode(Map.of("token", token))).withHeader("Authorization", TestServer.basic(as)));
  }

  @Test
  void revokeWhenRefreshTokenThenWholeGrantDies() {
    TestServer.TokenPair tokens = test.tokens(client);

    EndpointResponse response = revoke(client, tokens.refreshToken());

    assertThat(response.status()).isEqualTo(200);
    assertError(test.refresh(client, tokens.refreshToken()), 400, "invalid_grant");
    assertThatThrownBy(() -> test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken()))
        .isInstanceOf(OAuthException.class);
  }

  @Test
  void revokeWhenAccessTokenThenGrantAndItsRefreshTokenDie() {
    TestServer.TokenPair tokens = test.tokens(client);

    assertThat(revoke(client, tokens.accessToken()).status()).isEqualTo(200);

    assertError(test.refresh(client, tokens.refreshToken()), 400, "invalid_grant");
  }

  @Test
  void revokeWhenAnotherClientsTokenThen200AndTokenSurvives() {
    TestServer.TokenPair tokens = test.tokens(client);
    TestClient other = test.registerPublic("https://other.example.com/cb");

    assertThat(revoke(other, tokens.refreshToken()).status()).isEqualTo(200);

    assertThat(test.refresh(client, tokens.refreshToken()).status()).isEqualTo(200);
  }

  @Test
  void revokeWhenTokenUnknownThen200() {
    assertThat(revoke(client, "unknown-token").status()).isEqualTo(200);
  }

  @Test
  void revokeWhenConfidentialClientWithWrongSecretThen401WithBasicChallenge() {
    TestClient confidential = test.registerWith("client_secret_basic", "https://c.example.com/cb");
    TestClient wrongSecret = new TestClient(confidential.clientId(), "wrong", "client_secret_basic", confidential.redirectUris());

    EndpointResponse response = test.server.revocationEndpoint().handle(EndpointRequest.form("token=x")
        .withHeader("Authorization", TestServer.basic(wrongSecret)));

    assertError(response, 401, "invalid_client");
    assertThat(response.header("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Basic"));
  }

  @Test
  void introspectWhenOwnAccessTokenThenActiveWithClaims() {
    TestClient confidential = test.registerWith("client_secret_basic", "https://c.example.com/cb");
    TestServer.TokenPair tokens = test.tokens(confidential);

    JsonNode json = Json.parse(introspect(confidential, tokens.accessToken()).body());

    assertThat(json.get("active").asBoolean()).isTrue();
    assertThat(json.get("client_id").asText()).isEqualTo(confidential.clientId());
    assertThat(json.get("sub").asText()).isEqualTo("alice");
    assertThat(json.get("scope").asText()).isEqualTo("mcp:read");
    assertThat(json.get("aud").toString()).contains(TestServer.RESOURCE);
    assertThat(json.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(json.get("iss").asText()).isEqualTo(TestServer.ISSUER);
  }

  @Test
  void introspectWhenOwnRefreshTokenThenActive() {
    TestClient confidential = test.registerWith("client_secret_post", "https://c.example.com/cb");
    TestServer.TokenPair tokens = test.tokens(confidential);

    EndpointResponse response = test.server.introspectionEndpoint().handle(EndpointRequest.form(TestServer.encode(Map.of(
        "token", tokens.refreshToken(), "client_id", confidential.clientId(), "client_secret", confidential.clientSecret()))));

    assertThat(Json.parse(response.body()).get("active").asBoolean()).isTrue();
  }

  @Test
  void introspectWhenAnotherClientsTokenThenInactive() {
    TestServer.TokenPair tokens = test.tokens(client);
    TestClient resourceServer = test.registerWith("client_secret_basic", "https://rs.example.com/cb");

    assertThat(Json.parse(introspect(resourceServer, tokens.accessToken()).body()).get("active").asBoolean()).isFalse();
  }

  @Test
  void introspectWhenCallerIsDesignatedResourceServerThenSeesEveryClientsTokens() {
    InMemoryStorage shared = new InMemoryStorage(test.clock);
    SigningKey key = SigningKey.generate();
    TestServer first = TestServer.create(b -> b.storage(shared).signingKey(key));
    TestClient resourceServer = first.registerWith("client_secret_basic", "https://rs.example.com/cb");
    first.tokens(resourceServer); // a used client does not lapse
    TestServer configured = TestServer.create(b -> b.storage(shared).signingKey(key)
        .introspectionClients(resourceServer.clientId()));
    TestClient app = configured.registerPublic("https://app.example.com/cb");
    TestServer.TokenPair tokens = configured.tokens(app);

    EndpointResponse response = configured.server.introspectionEndpoint().handle(EndpointRequest.form(
        TestServer.encode(Map.of("token", tokens.accessToken()))).withHeader("Authorization", TestServer.basic(resourceServer)));

    JsonNode json = Json.parse(response.body());
    assertThat(json.get("active").asBoolean()).isTrue();
    assertThat(json.get("client_id").asText()).isEqualTo(app.clientId());
  }

  @Test
  void introspectWhenRevokedThenInactive() {
    TestClient confidential = test.registerWith("client_secret_basic", "https://c.example.com/cb");
    TestServer.TokenPair tokens = test.tokens(confidential);
    test.server.revocationEndpoint().handle(EndpointRequest.form("token=" + tokens.refreshToken())
        .withHeader("Authorization", TestServer.basic(confidential)));

    assertThat(Json.parse(introspect(confidential, tokens.accessToken()).body()).get("active").asBoolean()).isFalse();
    assertThat(Json.parse(introspect(confidential, tokens.refreshToken()).body()).get("active").asBoolean()).isFalse();
  }

  @Test
  void introspectWhenPublicClientThen401() {
    TestServer.TokenPair tokens = test.tokens(client);

    EndpointResponse response = test.server.introspectionEndpoint().handle(EndpointRequest.form(
        TestServer.encode(Map.of("token", tokens.accessToken(), "client_id", client.clientId()))));

    assertError(response, 401, "invalid_client");
  }
}
