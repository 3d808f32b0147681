package dev.mcpauth.audience;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static dev.mcpauth.testing.OAuthAssert.assertErrorRedirect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.OAuthException;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.token.VerifiedToken;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Resource indicators (RFC 8707) and audience binding (MCP 2025-06-18 onwards). */
class AudienceTest {
  private static final String RESOURCE_B = "https://as.example.com/other-mcp";
  private final TestServer test = TestServer.create(builder -> builder.resource(RESOURCE_B).defaultResource(TestServer.RESOURCE));
  private final TestClient client = test.registerPublic("https://app.example.com/cb");

  @Test
  void verifyWhenTokenForResourceAThenRefusedAtResourceB() {
    String accessToken = test.tokens(client).accessToken();

    assertThat(test.server.verifier(TestServer.RESOURCE).verify(accessToken).audience()).isEqualTo(TestServer.RESOURCE);
    assertThatThrownBy(() -> test.server.verifier(RESOURCE_B).verify(accessToken))
        .isInstanceOfSatisfying(OAuthException.class, e -> {
          assertThat(e.code().code()).isEqualTo("invalid_token");
          assertThat(e.description()).contains("another resource");
        });
  }

  @Test
  void authorizeWhenResourceBRequestedThenTokenOnlyValidAtB() {
    Pkce pkce = Pkce.generate();
    Map<String, String> params = test.authorizeParams(client, pkce);
    params.put("resource", RESOURCE_B);
    String code = TestServer.query(test.approve(params)).get("code");
    String accessToken = TestServer.TokenPair.from(test.token(client, Map.of("grant_type", "authorization_code",
        "code", code, "redirect_uri", client.redirectUri(), "code_verifier", pkce.verifier(),
        "resource", RESOURCE_B))).accessToken();

    assertThat(test.server.verifier(RESOURCE_B).verify(accessToken).audience()).isEqualTo(RESOURCE_B);
    assertThatThrownBy(() -> test.server.verifier(TestServer.RESOURCE).verify(accessToken)).isInstanceOf(OAuthException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://evil.example.com/mcp", "https://as.example.com/mcp/sub", "not a uri", "https://as.example.com/mcp#f"})
  void authorizeWhenResourceNotServedThenInvalidTarget(String resource) {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("resource", resource);

    assertErrorRedirect(test.authorize(params), "invalid_target");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://AS.example.com/mcp", "https://as.example.com:443/mcp", "https://as.example.com/mcp/"})
  void authorizeWhenResourceEqualAfterCanonicalisationThenAccepted(String resource) {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("resource", resource);

    assertThat(TestServer.query(test.approve(params))).containsKey("code");
  }

  @Test
  void authorizeWhenResourceOmittedThenBoundToDefaultResource() {
    Pkce pkce = Pkce.generate();
    Map<String, String> params = test.authorizeParams(client, pkce);
    params.remove("resource");
    String code = TestServer.query(test.approve(params)).get("code");
    String accessToken = TestServer.TokenPair.from(test.token(client, Map.of("grant_type", "authorization_code",
        "code", code, "redirect_uri", client.redirectUri(), "code_verifier", pkce.verifier()))).accessToken();

    VerifiedToken verified = test.server.verifier(TestServer.RESOURCE).verify(accessToken);
    assertThat(verified.audience()).isEqualTo(TestServer.RESOURCE);
  }

  @Test
  void authorizeWhenResourceOmittedAndNoDefaultThenInvalidTarget() {
    TestServer noDefault = TestServer.create(builder -> builder.resource(RESOURCE_B));
    TestClient c = noDefault.registerPublic("https://app.example.com/cb");
    Map<String, String> params = noDefault.authorizeParams(c, Pkce.generate());
    params.remove("resource");

    assertErrorRedirect(noDefault.authorize(params), "invalid_target");
  }

  @Test
  void authorizeWhenTwoResourcesRequestedThenInvalidTarget() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    String query = TestServer.encode(params) + "&resource=" + java.net.URLEncoder.encode(RESOURCE_B, java.nio.charset.StandardCharsets.UTF_8);

    assertErrorRedirect(test.server.authorizationEndpoint().start(dev.mcpauth.http.EndpointRequest.get(query)), "invalid_target");
  }

  @Test
  void tokenWhenResourceDiffersFromAuthorizationThenInvalidTarget() {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    assertError(test.token(client, Map.of("grant_type", "authorization_code", "code", code,
        "redirect_uri", client.redirectUri(), "code_verifier", pkce.verifier(), "resource", RESOURCE_B)),
        400, "invalid_target");
  }
}
