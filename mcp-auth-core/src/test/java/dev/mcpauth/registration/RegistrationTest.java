package dev.mcpauth.registration;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.client.RegistrationPolicy;
import dev.mcpauth.event.EventType;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Dynamic client registration (RFC 7591 §2, §3). */
class RegistrationTest {
  private final TestServer test = TestServer.create();

  @Test
  void registerWhenAuthMethodOmittedThenClientSecretBasicWithSecret() {
    JsonNode json = Json.parse(test.register("{\"redirect_uris\":[\"https://app.example.com/cb\"]}").body());

    assertThat(json.get("token_endpoint_auth_method").asText()).isEqualTo("client_secret_basic");
    assertThat(json.get("client_secret").asText()).hasSizeGreaterThanOrEqualTo(43);
    assertThat(json.get("client_secret_expires_at").asLong()).isZero();
    assertThat(json.get("application_type").asText()).isEqualTo("web");
  }

  @Test
  void registerWhenPublicThenNoSecretAndEventCarriesNoSecret() {
    EndpointResponse response = test.register(
        "{\"redirect_uris\":[\"http://127.0.0.1/cb\"],\"token_endpoint_auth_method\":\"none\",\"application_type\":\"native\"}");
    JsonNode json = Json.parse(response.body());

    assertThat(response.status()).isEqualTo(201);
    assertThat(json.has("client_secret")).isFalse();
    assertThat(json.get("application_type").asText()).isEqualTo("native");
    assertThat(test.events.events()).singleElement().satisfies(event -> {
      assertThat(event.type()).isEqualTo(EventType.CLIENT_REGISTERED);
      assertThat(event.clientId()).isEqualTo(json.get("client_id").asText());
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"token_endpoint_auth_method\":\"private_key_jwt\"}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"grant_types\":[\"client_credentials\"]}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"grant_types\":[\"implicit\",\"authorization_code\"]}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"response_types\":[\"token\"]}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"application_type\":\"desktop\"}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"grant_types\":\"authorization_code\"}",
      "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"client_name\":42}",
  })
  void registerWhenMetadataUnsupportedThenInvalidClientMetadata(String body) {
    assertError(test.register(body), 400, "invalid_client_metadata");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"redirect_uris\":[]}", "{\"redirect_uris\":\"https://a.example.com/cb\"}"})
  void registerWhenRedirectUrisMissingOrMalformedThenRefused(String body) {
    EndpointResponse response = test.register(body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(Json.parse(response.body()).get("error").asText()).isIn("invalid_redirect_uri", "invalid_client_metadata");
  }

  @Test
  void registerWhenPolicyRefusesHostThenInvalidRedirectUriAndNothingStored() {
    TestServer strict = TestServer.create(builder -> builder.registrationPolicy(
        RegistrationPolicy.allowRedirectHosts("claude.ai", "chatgpt.com")));

    assertError(strict.register("{\"redirect_uris\":[\"https://evil.example.com/cb\"]}"), 400, "invalid_redirect_uri");
    assertThat(strict.register("{\"redirect_uris\":[\"https://claude.ai/api/mcp/auth_callback\"]}").status()).isEqualTo(201);
    assertThat(strict.register("{\"redirect_uris\":[\"http://127.0.0.1:9999/cb\"]}").status()).isEqualTo(201);
    assertThat(strict.events.types()).containsExactly(EventType.CLIENT_REGISTERED, EventType.CLIENT_REGISTERED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x-app://claude.ai/cb", "anything://claude.ai/api/mcp/auth_callback", "http://claude.ai/cb",
      "x-app://localhost/cb", "cursor://anysphere.cursor-mcp.evil/cb", "https://anysphere.cursor-mcp/cb"})
  void registerWhenAllowListedHostUnderAnotherSchemeThenRefused(String redirectUri) {
    TestServer strict = TestServer.create(builder -> builder.registrationPolicy(
        RegistrationPolicy.allowRedirectHosts("claude.ai", "cursor://anysphere.cursor-mcp")));

    assertError(strict.register("{\"redirect_uris\":[\"" + redirectUri + "\"]}"), 400, "invalid_redirect_uri");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://claude.ai/api/mcp/auth_callback", "https://CLAUDE.ai/cb", "cursor://anysphere.cursor-mcp/oauth/callback",
      "http://localhost:8787/callback", "https://127.0.0.1/cb"})
  void registerWhenSchemeAndHostAllowListedThenRegistered(String redirectUri) {
    TestServer strict = TestServer.create(builder -> builder.registrationPolicy(
        RegistrationPolicy.allowRedirectHosts("claude.ai", "cursor://anysphere.cursor-mcp")));

    assertThat(strict.register("{\"redirect_uris\":[\"" + redirectUri + "\"]}").status()).isEqualTo(201);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://claude.ai/cb", "claude.ai:443", "cursor://", ""})
  void allowRedirectHostsWhenEntryNotAHostThenRefusedAtConfiguration(String entry) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RegistrationPolicy.allowRedirectHosts(entry));
  }

  @Test
  void registerWhenTooManyRedirectUrisThenRefused() {
    StringBuilder uris = new StringBuilder();
    for (int i = 0; i < 21; i++) {
      uris.append(i == 0 ? "" : ",").append("\"https://a.example.com/cb").append(i).append('"');
    }
    assertError(test.register("{\"redirect_uris\":[" + uris + "]}"), 400, "invalid_redirect_uri");
  }

  @Test
  void registerWhenNameTooLongThenInvalidClientMetadata() {
    assertError(test.register("{\"redirect_uris\":[\"https://a.example.com/cb\"],\"client_name\":\"" + "n".repeat(201) + "\"}"),
        400, "invalid_client_metadata");
  }

  @Test
  void registerWhenUnknownFieldsThenIgnoredAndNotEchoed() {
    JsonNode json = Json.parse(test.register(
        "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"x_custom\":\"v\",\"token_endpoint_auth_method\":\"none\"}").body());

    assertThat(json.has("x_custom")).isFalse();
  }

  @Test
  void registerWhenCalledTwiceThenDistinctClients() {
    String body = "{\"redirect_uris\":[\"https://a.example.com/cb\"],\"token_endpoint_auth_method\":\"none\"}";
    String first = Json.parse(test.register(body).body()).get("client_id").asText();
    String second = Json.parse(test.register(body).body()).get("client_id").asText();

    assertThat(first).isNotEqualTo(second);
  }
}
