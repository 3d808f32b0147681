package dev.mcpauth.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The discovery documents MCP clients read: RFC 8414 §2 server metadata, OpenID Connect Discovery 1.0
 * §3, and RFC 9728 §2 protected resource metadata, with what MCP 2025-11-25 authorization asks of them.
 */
class MetadataTest {
  private final TestServer test = TestServer.create(builder -> builder.resourceName("Example MCP"));

  @Test
  void authorizationServerMetadataWhenServedThenAdvertisesWhatMcpClientsNeed() {
    EndpointResponse response = test.server.metadata().authorizationServer();
    JsonNode json = Json.parse(response.body());

    assertThat(response.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(json.get("issuer").asText()).isEqualTo(TestServer.ISSUER);
    assertThat(json.get("authorization_endpoint").asText()).isEqualTo(TestServer.ISSUER + "/authorize");
    assertThat(json.get("token_endpoint").asText()).isEqualTo(TestServer.ISSUER + "/token");
    assertThat(json.get("registration_endpoint").asText()).isEqualTo(TestServer.ISSUER + "/register");
    assertThat(json.get("revocation_endpoint").asText()).isEqualTo(TestServer.ISSUER + "/revoke");
    assertThat(json.get("introspection_endpoint").asText()).isEqualTo(TestServer.ISSUER + "/introspect");
    assertThat(json.get("jwks_uri").asText()).isEqualTo(TestServer.ISSUER + "/jwks");
    assertThat(strings(json, "code_challenge_methods_supported")).containsExactly("S256");
    assertThat(strings(json, "response_types_supported")).containsExactly("code");
    assertThat(strings(json, "grant_types_supported")).containsExactlyInAnyOrder("authorization_code", "refresh_token");
    assertThat(strings(json, "token_endpoint_auth_methods_supported"))
        .containsExactlyInAnyOrder("none", "client_secret_basic", "client_secret_post", "private_key_jwt");
    assertThat(strings(json, "token_endpoint_auth_signing_alg_values_supported"))
        .contains("RS256", "PS256", "ES256").doesNotContain("none", "HS256", "HS384", "HS512");
    assertThat(json.get("client_id_metadata_document_supported").asBoolean()).isTrue();
    assertThat(json.get("authorization_response_iss_parameter_supported").asBoolean()).isTrue();
    assertThat(strings(json, "scopes_supported")).containsExactly("mcp:read", "mcp:write", "offline_access");
  }

  @Test
  void authorizationServerMetadataWhenServedThenClaimsNothingUnimplemented() {
    JsonNode json = Json.parse(test.server.metadata().authorizationServer().body());

    assertThat(json.has("request_parameter_supported")).isFalse();
    assertThat(json.has("dpop_signing_alg_values_supported")).isFalse();
    assertThat(json.has("pushed_authorization_request_endpoint")).isFalse();
  }

  @Test
  void openidConfigurationWhenServedThenSameEndpointsAndNoIdTokenClaims() {
    JsonNode oauth = Json.parse(test.server.metadata().authorizationServer().body());
    JsonNode openid = Json.parse(test.server.metadata().openidConfiguration().body());

    assertThat(openid.get("issuer")).isEqualTo(oauth.get("issuer"));
    assertThat(openid.get("authorization_endpoint")).isEqualTo(oauth.get("authorization_endpoint"));
    assertThat(openid.get("code_challenge_methods_supported")).isEqualTo(oauth.get("code_challenge_methods_supported"));
    assertThat(strings(openid, "subject_types_supported")).containsExactly("public");
    assertThat(openid.has("id_token_signing_alg_values_supported")).isFalse();
    assertThat(openid.has("userinfo_endpoint")).isFalse();
  }

  @Test
  void protectedResourceMetadataWhenServedThenNamesIssuerAndOmitsOfflineAccess() {
    JsonNode json = Json.parse(test.server.metadata().protectedResource(TestServer.RESOURCE).body());

    assertThat(json.get("resource").asText()).isEqualTo(TestServer.RESOURCE);
    assertThat(strings(json, "authorization_servers")).containsExactly(TestServer.ISSUER);
    assertThat(strings(json, "scopes_supported")).containsExactly("mcp:read", "mcp:write");
    assertThat(strings(json, "bearer_methods_supported")).containsExactly("header");
    assertThat(json.get("resource_name").asText()).isEqualTo("Example MCP");
  }

  @Test
  void documentsWhenWrittenThenSlashesUnescapedAndAnyNameRoundTrips() {
    String name = "Notes \"team\" / \\ Ünï 😀 \u0001 \u2028 </script>";
    TestServer named = TestServer.create(builder -> builder.resourceName(name));
    String server = named.server.metadata().authorizationServer().body();
    String resource = named.server.metadata().protectedResource(TestServer.RESOURCE).body();

    assertThat(server).contains("\"issuer\":\"" + TestServer.ISSUER + "\"").doesNotContain("\\/");
    assertThat(resource).contains("\"resource\":\"" + TestServer.RESOURCE + "\"");
    assertThat(Json.parse(resource).get("resource_name").asText()).isEqualTo(name);
  }

  @Test
  void protectedResourceMetadataWhenResourceUnknownThenRefused() {
    assertThatThrownBy(() -> test.server.metadata().protectedResource("https://other.example.com/mcp"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void registrationEndpointWhenDisabledThenNotAdvertisedAndRefused() {
    TestServer closed = TestServer.create(builder -> builder.dynamicRegistration(false));

    assertThat(Json.parse(closed.server.metadata().authorizationServer().body()).has("registration_endpoint")).isFalse();
    assertThat(closed.register("{\"redirect_uris\":[\"https://a.example.com/cb\"]}").status()).isEqualTo(403);
  }

  @Test
  void metadataWhenIssuerHasPathThenEndpointsUnderIt() {
    TestServer tenant = TestServer.create(builder -> builder.issuer("https://as.example.com/tenant1"));
    JsonNode json = Json.parse(tenant.server.metadata().authorizationServer().body());

    assertThat(json.get("issuer").asText()).isEqualTo("https://as.example.com/tenant1");
    assertThat(json.get("token_endpoint").asText()).isEqualTo("https://as.example.com/tenant1/token");
  }

  private static List<String> strings(JsonNode json, String field) {
    List<String> values = new ArrayList<>();
    assertThat(json.has(field)).as(field).isTrue();
    json.get(field).forEach(value -> values.add(value.asText()));
    return values;
  }
}
