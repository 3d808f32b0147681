package dev.mcpauth.registration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real MCP clients register as they really do (RFC 7591 requests with their own redirect URIs), and
 * complete an authorization with each of those URIs; loopback ones on a port other than the
 * registered one (RFC 8252 §7.3).
 */
class RealClientsTest {
  private final TestServer test = TestServer.create();

  static List<Arguments> clients() {
    return List.of(
        Arguments.of("Claude", """
            {"client_name":"Claude","redirect_uris":["https://claude.ai/api/mcp/auth_callback"],
             "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
             "token_endpoint_auth_method":"client_secret_post"}"""),
        Arguments.of("ChatGPT platform", """
            {"client_name":"ChatGPT","redirect_uris":["https://chatgpt.com/connector_platform_oauth_redirect"],
             "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
             "token_endpoint_auth_method":"client_secret_post","scope":"mcp:read offline_access"}"""),
        Arguments.of("ChatGPT connector", """
            {"client_name":"ChatGPT","redirect_uris":["https://chatgpt.com/connector/oauth/abc123XYZ"],
             "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
             "token_endpoint_auth_method":"none"}"""),
        Arguments.of("VS Code", """
            {"client_name":"Visual Studio Code","redirect_uris":["https://vscode.dev/redirect",
             "https://insiders.vscode.dev/redirect","http://127.0.0.1/","http://127.0.0.1:33418/"],
             "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
             "token_endpoint_auth_method":"none","application_type":"native"}"""),
        Arguments.of("Cursor", """
            {"client_name":"Cursor","redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback",
             "https://www.cursor.com/agents/mcp/oauth/callback","http://localhost:8787/callback"],
             "token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"],
             "response_types":["code"]}"""),
        Arguments.of("MCP Inspector", """
            {"redirect_uris":["http://localhost:6274/oauth/callback","http://127.0.0.1:6276/oauth/callback"],
             "token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"],
             "response_types":["code"],"client_name":"MCP Inspector",
             "client_uri":"https://github.com/modelcontextprotocol/inspector"}"""),
        Arguments.of("Claude Code (loopback)", """
            {"client_name":"Claude Code","redirect_uris":["http://localhost/callback"],
             "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
             "token_endpoint_auth_method":"none"}"""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void registerWhenRealClientThenAcceptedAndEchoed(String name, String body) {
    EndpointResponse response = test.register(body);

    assertThat(response.status()).as(response.body()).isEqualTo(201);
    JsonNode sent = Json.parse(body);
    JsonNode json = Json.parse(response.body());
    assertThat(json.get("redirect_uris")).isEqualTo(sent.get("redirect_uris"));
    assertThat(json.get("token_endpoint_auth_method").asText()).isEqualTo(sent.get("token_endpoint_auth_method").asText());
    assertThat(json.get("client_id").asText()).isNotBlank();
    assertThat(json.get("client_id_issued_at").asLong()).isPositive();
    assertThat(json.has("client_secret")).isEqualTo(!"none".equals(sent.get("token_endpoint_auth_method").asText()));
    assertThat(response.header("Cache-Control")).contains("no-store");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void authorizeWhenRealClientUsesEachRedirectThenCodeIssuedAndRedeemed(String name, String body) {
    JsonNode json = Json.parse(test.register(body).body());
    List<String> uris = new ArrayList<>();
    json.get("redirect_uris").forEach(uri -> uris.add(uri.asText()));
    String secret = json.hasNonNull("client_secret") ? json.get("client_secret").asText() : null;

    for (String registered : uris) {
      String used = registered.startsWith("http://") ? withPort(registered, 49152) : registered;
      TestClient client = new TestClient(json.get("client_id").asText(), secret,
          json.get("token_endpoint_auth_method").asText(), List.of(used));
      Pkce pkce = Pkce.generate();
      Map<String, String> params = test.authorizeParams(client, pkce);
      params.put("scope", "mcp:read offline_access");
      AuthorizationStep step = test.authorize(params);
      assertThat(step).as(name + " " + used).isInstanceOf(AuthorizationStep.Interaction.class);

      String code = TestServer.query(test.approve(params)).get("code");
      EndpointResponse tokens = test.exchange(client, code, pkce);
      assertThat(tokens.status()).as(name + " " + used + " " + tokens.body()).isEqualTo(200);
      assertThat(Json.parse(tokens.body()).get("refresh_token").asText()).isNotBlank();
    }
  }

  private static String withPort(String uri, int port) {
    java.net.URI parsed = java.net.URI.create(uri);
    return parsed.getScheme() + "://" + parsed.getHost() + ":" + port + parsed.getRawPath();
  }

  @Test
  void tokenWhenClientRegisteredForPostThenOnlyPostAuthenticates() {
    JsonNode json = Json.parse(test.register("""
        {"client_name":"Claude","redirect_uris":["https://claude.ai/api/mcp/auth_callback"],
         "token_endpoint_auth_method":"client_secret_post"}""").body());
    TestClient client = new TestClient(json.get("client_id").asText(), json.get("client_secret").asText(),
        "client_secret_post", List.of("https://claude.ai/api/mcp/auth_callback"));
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);
    TestClient sameClientUsingBasic = new TestClient(client.clientId(), client.clientSecret(), "client_secret_basic",
        client.redirectUris());

    assertThat(test.exchange(sameClientUsingBasic, code, pkce).status()).isEqualTo(401);
    assertThat(test.exchange(client, test.code(client, pkce), pkce).status()).isEqualTo(200);
  }
}
