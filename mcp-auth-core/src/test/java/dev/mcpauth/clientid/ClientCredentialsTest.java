package dev.mcpauth.clientid;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.ClientAuthMethod;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.token.VerifiedToken;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Machine clients (MCP's OAuth client credentials extension, RFC 6749 §4.4): an operator's
 * pre-registered confidential client gets a token for itself, within its scope, for a resource,
 * without a refresh token; the verified token says it is the client's own.
 */
class ClientCredentialsTest {
  private static final String SECRET = "s3cret-of-the-build-bot-0123456789";
  private final RSAKey key = Assertions.rsaKey();
  private final TestServer test = TestServer.create(builder -> builder
      .resource(TestServer.OTHER_RESOURCE)
      .defaultResource(TestServer.RESOURCE)
      .client(Client.builder("build-bot").secret(SECRET).authMethod(ClientAuthMethod.CLIENT_SECRET_BASIC)
          .grantTypes(Set.of(Client.CLIENT_CREDENTIALS)).scope("mcp:read").build())
      .client(Client.builder("signing-bot").authMethod(ClientAuthMethod.PRIVATE_KEY_JWT)
          .jwks(Assertions.jwks(key)).grantTypes(Set.of(Client.CLIENT_CREDENTIALS)).build())
      .client(Client.builder("web-app").secret(SECRET).authMethod(ClientAuthMethod.CLIENT_SECRET_POST)
          .redirectUris(List.of("https://app.example.com/cb")).build())
      .client(Client.builder("no-refresh").redirectUris(List.of("https://app.example.com/cb"))
          .grantTypes(Set.of(Client.AUTHORIZATION_CODE)).build()));
  private final TestClient buildBot = new TestClient("build-bot", SECRET, "client_secret_basic", List.of());

  @Test
  void clientCredentialsWhenSecretRightThenTokenForTheClientItselfWithoutRefreshToken() {
    EndpointResponse response = test.token(buildBot, Map.of("grant_type", "client_credentials", "resource", TestServer.RESOURCE));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode json = Json.parse(response.body());
    assertThat(json.has("refresh_token")).isFalse();
    assertThat(json.get("scope").asText()).isEqualTo("mcp:read");
    VerifiedToken token = test.server.verifier(TestServer.RESOURCE).verify(json.get("access_token").asText());
    assertThat(token.isClientToken()).isTrue();
    assertThat(token.subject()).isEqualTo("build-bot");
    assertThat(token.clientId()).isEqualTo("build-bot");
    assertThat(token.scopes()).containsExactly("mcp:read");
  }

  @Test
  void clientCredentialsWhenUserTokenThenNotAClientToken() {
    TestClient webApp = new TestClient("web-app", SECRET, "client_secret_post", List.of("https://app.example.com/cb"));
    VerifiedToken token = test.server.verifier(TestServer.RESOURCE).verify(test.tokens(webApp).accessToken());

    assertThat(token.isClientToken()).isFalse();
    assertThat(token.subject()).isEqualTo(TestServer.USER);
  }

  @Test
  void authorizationCodeWhenClientMayNotRefreshThenNoRefreshToken() {
    TestClient noRefresh = TestClient.publicClient("no-refresh", "https://app.example.com/cb");

    TestServer.TokenPair tokens = test.tokens(noRefresh);

    assertThat(tokens.accessToken()).isNotBlank();
    assertThat(tokens.json().has("refresh_token")).isFalse();
  }

  @Test
  void clientCredentialsWhenScopeBeyondTheClientsThenInvalidScope() {
    assertError(test.token(buildBot, Map.of("grant_type", "client_credentials", "scope", "mcp:write")), 400, "invalid_scope");
  }

  @Test
  void clientCredentialsWhenOfflineAccessAskedThenNoRefreshTokenAnyway() {
    EndpointResponse response = test.token(buildBot,
        Map.of("grant_type", "client_credentials", "scope", "mcp:read offline_access"));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(Json.parse(response.body()).has("refresh_token")).isFalse();
  }

  @Test
  void clientCredentialsWhenOnlyOfflineAccessAskedThenTheClientsDefaultScope() {
    EndpointResponse response = test.token(buildBot, Map.of("grant_type", "client_credentials", "scope", "offline_access"));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(Json.parse(response.body()).get("scope").asText()).isEqualTo("mcp:read");
  }

  @Test
  void clientCredentialsWhenBasicAndPostSecretOrAnotherClientIdSentThenInvalidRequest() {
    Map<String, String> both = Map.of("grant_type", "client_credentials", "client_id", "build-bot", "client_secret", SECRET);
    Map<String, String> other = Map.of("grant_type", "client_credentials", "client_id", "web-app");

    assertError(test.server.tokenEndpoint().handle(EndpointRequest.form(TestServer.encode(both))
        .withHeader("Authorization", TestServer.basic(buildBot))), 400, "invalid_request");
    assertError(test.server.tokenEndpoint().handle(EndpointRequest.form(TestServer.encode(other))
        .withHeader("Authorization", TestServer.basic(buildBot))), 400, "invalid_request");
  }

  @Test
  void clientCredentialsWhenResourceNamedThenTokenBoundToIt() {
    EndpointResponse response = test.token(buildBot,
        Map.of("grant_type", "client_credentials", "resource", TestServer.OTHER_RESOURCE));

    String accessToken = Json.parse(response.body()).get("access_token").asText();
    assertThat(test.server.verifier(TestServer.OTHER_RESOURCE).verify(accessToken).audience())
        .isEqualTo(TestServer.OTHER_RESOURCE);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> test.server.verifier(TestServer.RESOURCE).verify(accessToken))
        .isInstanceOf(dev.mcpauth.OAuthException.class);
  }

  @Test
  void clientCredentialsWhenWrongSecretThenInvalidClient() {
    TestClient wrong = new TestClient("build-bot", SECRET + "x", "client_secret_basic", List.of());

    assertError(test.token(wrong, Map.of("grant_type", "client_credentials")), 401, "invalid_client");
  }

  @Test
  void clientCredentialsWhenClientNotAllowedItThenUnauthorizedClient() {
    TestClient webApp = new TestClient("web-app", SECRET, "client_secret_post", List.of("https://app.example.com/cb"));

    assertError(test.token(webApp, Map.of("grant_type", "client_credentials")), 400, "unauthorized_client");
  }

  @Test
  void clientCredentialsWhenPublicClientThenRefused() {
    TestClient dynamic = test.registerPublic("https://app.example.com/cb");

    EndpointResponse response = test.token(dynamic, Map.of("grant_type", "client_credentials"));

    assertThat(response.status()).isIn(400, 401);
    assertThat(Json.parse(response.body()).get("error").asText()).isIn("invalid_client", "unauthorized_client");
  }

  @Test
  void clientCredentialsWhenMachineClientAsksForAuthorizationCodeThenRefused() {
    Map<String, String> params = test.authorizeParams(buildBot.withRedirect("https://app.example.com/cb"),
        dev.mcpauth.testing.Pkce.generate());

    dev.mcpauth.testing.OAuthAssert.assertErrorPage(test.authorize(params), "unauthorized_client");
  }

  @Test
  void clientCredentialsWhenPrivateKeyJwtThenToken() {
    EndpointResponse response = test.server.tokenEndpoint().handle(EndpointRequest.form(TestServer.encode(Map.of(
        "grant_type", "client_credentials",
        "client_assertion_type", Assertions.TYPE,
        "client_assertion", Assertions.sign(key, "signing-bot", TestServer.ISSUER + "/token",
            test.clock.instant().plus(Duration.ofMinutes(2)), UUID.randomUUID().toString())))));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    VerifiedToken token = test.server.verifier(TestServer.RESOURCE)
        .verify(Json.parse(response.body()).get("access_token").asText());
    assertThat(token.subject()).isEqualTo("signing-bot");
    assertThat(token.isClientToken()).isTrue();
  }

  @Test
  void metadataWhenAClientMayUseClientCredentialsThenListed() {
    JsonNode json = Json.parse(test.server.metadata().authorizationServer().body());
    List<String> grantTypes = new java.util.ArrayList<>();
    json.get("grant_types_supported").forEach(node -> grantTypes.add(node.asText()));

    assertThat(grantTypes).contains("client_credentials");
    JsonNode plain = Json.parse(TestServer.create().server.metadata().authorizationServer().body());
    assertThat(plain.get("grant_types_supported").toString()).doesNotContain("client_credentials");
  }

  @Test
  void revocationWhenClientTokenRevokedThenItNoLongerVerifies() {
    String accessToken = Json.parse(test.token(buildBot, Map.of("grant_type", "client_credentials")).body())
        .get("access_token").asText();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("token", accessToken);

    EndpointResponse revoked = test.server.revocationEndpoint().handle(
        EndpointRequest.form(TestServer.encode(form)).withHeader("Authorization", TestServer.basic(buildBot)));

    assertThat(revoked.status()).isEqualTo(200);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> test.server.verifier(TestServer.RESOURCE).verify(accessToken))
        .isInstanceOf(dev.mcpauth.OAuthException.class);
  }
}
