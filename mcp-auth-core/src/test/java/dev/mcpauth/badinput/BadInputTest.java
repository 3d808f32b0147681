package dev.mcpauth.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed, mistyped, oversized and repeated input on every entry point gets the precise OAuth
 * error with the right status, never an unchecked exception, and leaves stored state intact.
 */
class BadInputTest {
  private final TestServer test = TestServer.create();
  private final TestClient client = test.registerPublic("https://app.example.com/cb");

  private static final Map<String, Function<TestServer, Function<EndpointRequest, EndpointResponse>>> FORM_ENDPOINTS = Map.of(
      "token", t -> t.server.tokenEndpoint()::handle,
      "revocation", t -> t.server.revocationEndpoint()::handle,
      "introspection", t -> t.server.introspectionEndpoint()::handle);

  private static void assertOAuthError(EndpointResponse response, int status, String... errors) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    JsonNode json = Json.parse(response.body());
    assertThat(json.get("error").asText()).isIn((Object[]) errors);
    if (json.has("error_description")) {
      assertThat(json.get("error_description").asText()).doesNotContain("Exception").doesNotContain("\n");
    }
  }

  // Token, revocation and introspection endpoints

  @Test
  void formEndpointsWhenNotPostThen405() {
    FORM_ENDPOINTS.forEach((name, endpoint) -> {
      EndpointResponse response = endpoint.apply(test).apply(EndpointRequest.get("grant_type=x"));
      assertOAuthError(response, 405, "invalid_request");
      assertThat(response.header("Allow")).contains("POST");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "text/plain", "multipart/form-data; boundary=x"})
  void formEndpointsWhenWrongContentTypeThen415(String contentType) {
    FORM_ENDPOINTS.forEach((name, endpoint) -> assertOAuthError(endpoint.apply(test).apply(
        new EndpointRequest("POST", null, Map.of("Content-Type", contentType), "grant_type=refresh_token")), 415, "invalid_request"));
  }

  @Test
  void formEndpointsWhenBodyHugeThen413() {
    String huge = "token=" + "a".repeat(70_000);
    FORM_ENDPOINTS.forEach((name, endpoint) -> assertOAuthError(endpoint.apply(test).apply(EndpointRequest.form(huge)), 413, "invalid_request"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "%zz", "grant_type", "=&=&=", "grant_type=%", "a=b&&&&c=d", "\u0000=\u0000"})
  void tokenWhenFormMalformedThenInvalidRequest(String body) {
    assertOAuthError(test.server.tokenEndpoint().handle(EndpointRequest.form(body)), 400, "invalid_request");
  }

  @Test
  void tokenWhenParameterRepeatedThenInvalidRequestAndCodeSurvives() {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);
    String body = TestServer.encode(Map.of("grant_type", "authorization_code", "code", code,
        "redirect_uri", client.redirectUri(), "code_verifier", pkce.verifier(), "client_id", client.clientId()))
        + "&code=" + code;

    assertOAuthError(test.server.tokenEndpoint().handle(EndpointRequest.form(body)), 400, "invalid_request");
    assertThat(test.exchange(client, code, pkce).status()).isEqualTo(200);
  }

  @Test
  void tokenWhenTooManyParametersThenInvalidRequest() {
    StringBuilder body = new StringBuilder("grant_type=refresh_token");
    for (int i = 0; i < 100; i++) {
      body.append("&p").append(i).append("=v");
    }
    assertOAuthError(test.server.tokenEndpoint().handle(EndpointRequest.form(body.toString())), 400, "invalid_request");
  }

  @ParameterizedTest
  @ValueSource(strings = {"password", "urn:ietf:params:oauth:grant-type:device_code", "implicit",
      "urn:ietf:params:oauth:grant-type:jwt-bearer"})
  void tokenWhenGrantTypeUnsupportedThenUnsupportedGrantType(String grantType) {
    EndpointResponse response = test.token(client, Map.of("grant_type", grantType, "username", "u", "password", "p",
        "device_code", "d"));

    assertOAuthError(response, 400, "unsupported_grant_type");
  }

  @Test
  void tokenWhenGrantTypeUnknownThenUnsupportedGrantType() {
    assertOAuthError(test.token(client, Map.of("grant_type", "made_up")), 400, "unsupported_grant_type");
  }

  @Test
  void tokenWhenNoClientIdentificationThenInvalidClientOrRequest() {
    EndpointResponse response = test.server.tokenEndpoint().handle(EndpointRequest.form("grant_type=refresh_token&refresh_token=x"));

    assertThat(response.status()).isIn(400, 401);
    assertThat(Json.parse(response.body()).get("error").asText()).isIn("invalid_client", "invalid_request");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic !!!", "Basic " + "QQ==", "Basic", "Bearer abc", "Basic " + "Og=="})
  void tokenWhenAuthorizationHeaderMalformedThenClientErrorNot500(String header) {
    EndpointResponse response = test.server.tokenEndpoint().handle(
        EndpointRequest.form("grant_type=refresh_token&refresh_token=x").withHeader("Authorization", header));

    assertThat(response.status()).isIn(400, 401);
    assertThat(Json.parse(response.body()).get("error").asText()).isIn("invalid_client", "invalid_request");
  }

  @Test
  void tokenWhenHugeValuesThenInvalidGrantNot500() {
    EndpointResponse response = test.token(client, Map.of("grant_type", "refresh_token", "refresh_token", "r".repeat(60_000)));
    assertOAuthError(response, 400, "invalid_grant", "invalid_request");
  }

  @Test
  void tokenWhenBothBasicAndPostCredentialsThenInvalidRequest() {
    TestClient confidential = test.registerWith("client_secret_basic", "https://c.example.com/cb");
    EndpointResponse response = test.server.tokenEndpoint().handle(EndpointRequest.form(TestServer.encode(Map.of(
        "grant_type", "refresh_token", "refresh_token", "x", "client_id", confidential.clientId(),
        "client_secret", confidential.clientSecret()))).withHeader("Authorization", TestServer.basic(confidential)));

    assertThat(response.status()).isIn(400, 401);
  }

  @Test
  void revocationAndIntrospectionWhenTokenMissingThenInvalidRequest() {
    assertOAuthError(test.server.revocationEndpoint().handle(EndpointRequest.form("client_id=" + client.clientId())),
        400, "invalid_request");
    TestClient confidential = test.registerWith("client_secret_basic", "https://c.example.com/cb");
    assertOAuthError(test.server.introspectionEndpoint().handle(EndpointRequest.form("")
        .withHeader("Authorization", TestServer.basic(confidential))), 400, "invalid_request");
  }

  // Registration endpoint

  @ParameterizedTest
  @ValueSource(strings = {
      "", "not json", "[]", "null", "42", "\"string\"", "{", "{\"redirect_uris\":[\"https://a.example.com/cb\"]",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"redirect_uris\":[\"https://b.example.com/cb\"]}",
      "{\"redirect_uris\":[42]}", "{\"redirect_uris\":[null]}", "{\"redirect_uris\":{\"a\":1}}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"token_endpoint_auth_method\":[\"none\"]}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"client_uri\":\"not a uri\"}",
  })
  void registerWhenBodyMalformedThenInvalidClientMetadataOrRedirectUri(String body) {
    assertOAuthError(test.register(body), 400, "invalid_client_metadata", "invalid_redirect_uri");
  }

  /**
   * Nimbus quotes the offending value in its message, and its {@code ErrorObject} refuses a
   * description outside RFC 6749 §5.2's characters: such input once answered 500.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"client_uri\":\"https://a.example/\\\"x\"}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"policy_uri\":\"https://a.example/\u00e9 x\"}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"tos_uri\":\"https://a.example/\u00e9 \\\\ x\"}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"logo_uri\":\"https://a.example/\u2028\u202e x\"}",
      "{\"redirect_uris\":[\"https://a.example.com/\\\"cb\u00e9 \u0001x\"]}",
  })
  void registerWhenNimbusMessageQuotesUnsafeCharactersThen400WithSafeDescription(String body) {
    EndpointResponse response = test.register(body);
    assertOAuthError(response, 400, "invalid_client_metadata", "invalid_redirect_uri");
    assertThat(Json.parse(response.body()).path("error_description").asText()).matches("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]*");
  }

  @Test
  void errorDescriptionWhenItQuotesAnythingThenOnlyRfc6749Characters() {
    String description = new OAuthException(ErrorCode.INVALID_REQUEST,
        "bad \"value\" \\ \u00e9\u202e\n\u0000\u007f" + "x".repeat(300)).description();

    assertThat(description).matches("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]*").hasSizeLessThanOrEqualTo(203)
        .startsWith("bad 'value' / ??").endsWith("...");
  }

  @Test
  void registerWhenRedirectUriLongAndInvalidThen400() {
    String body = "{\"redirect_uris\":[\"https://a.example.com/" + "a".repeat(300) + " x\"]}";
    assertOAuthError(test.register(body), 400, "invalid_client_metadata", "invalid_redirect_uri");
  }

  @Test
  void registerWhenWrongContentTypeThen415() {
    assertOAuthError(test.server.registrationEndpoint().handle(EndpointRequest.form("redirect_uris=x")), 415, "invalid_request");
  }

  @Test
  void registerWhenBodyHugeThen413() {
    String huge = "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"client_name\":\"" + "x".repeat(70_000) + "\"}";
    assertOAuthError(test.register(huge), 413, "invalid_request");
  }

  @Test
  void registerWhenDeeplyNestedThenRefusedNot500() {
    String nested = "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    EndpointResponse response = test.register(nested);
    assertThat(response.status()).isIn(201, 400);
  }

  // Authorization endpoint

  @ParameterizedTest
  @ValueSource(strings = {"client_id=%zz", "client_id=a&client_id=b", "", "%", "client_id="})
  void authorizeWhenClientPartMalformedThenErrorPage(String query) {
    AuthorizationStep step = test.server.authorizationEndpoint().start(EndpointRequest.get(query));
    assertThat(step).isInstanceOf(AuthorizationStep.ErrorPage.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"state", "scope", "code_challenge", "response_type", "code_challenge_method"})
  void authorizeWhenParameterRepeatedThenInvalidRequestRedirect(String name) {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    String query = TestServer.encode(params) + "&" + name + "=" + params.get(name).replace(" ", "+");

    AuthorizationStep step = test.server.authorizationEndpoint().start(EndpointRequest.get(query));

    assertThat(step).isInstanceOf(AuthorizationStep.Redirect.class);
    assertThat(TestServer.query(((AuthorizationStep.Redirect) step).location())).containsEntry("error", "invalid_request");
  }

  @Test
  void authorizeWhenScopeHugeThenInvalidScope() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    StringBuilder scopes = new StringBuilder("mcp:read");
    for (int i = 0; i < 500; i++) {
      scopes.append(" s").append(i);
    }
    params.put("scope", scopes.toString());

    AuthorizationStep step = test.authorize(params);
    assertThat(TestServer.query(((AuthorizationStep.Redirect) step).location())).containsEntry("error", "invalid_scope");
  }

  @Test
  void authorizeWhenStateHasControlCharactersThenEchoedSafelyEncoded() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("state", "a\r\nLocation: https://evil");
    params.put("response_type", "token");

    AuthorizationStep.Redirect redirect = (AuthorizationStep.Redirect) test.authorize(params);

    assertThat(redirect.location().toString()).doesNotContain("\r").doesNotContain("\n");
    assertThat(TestServer.query(redirect.location()).get("state")).isEqualTo("a\r\nLocation: https://evil");
  }

  @Test
  void storedStateWhenBadInputHammeredThenIntact() {
    TestServer.TokenPair tokens = test.tokens(client);
    List.of("", "%zz", "grant_type=refresh_token&refresh_token=" + tokens.refreshToken() + "&refresh_token=x")
        .forEach(body -> test.server.tokenEndpoint().handle(EndpointRequest.form(body)));

    assertThat(test.refresh(client, tokens.refreshToken()).status()).isEqualTo(200);
  }
}
