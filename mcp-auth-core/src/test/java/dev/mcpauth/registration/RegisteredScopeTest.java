package dev.mcpauth.registration;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static dev.mcpauth.testing.OAuthAssert.assertErrorRedirect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.OAuthException;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registered scope (RFC 7591 §2: the scope values the client "can use") limits what the client
 * may be granted, and the registration response names it truthfully; a registration policy sees the
 * scope asked for. The server's scopes are mcp:read and mcp:write, with mcp:read the default.
 */
class RegisteredScopeTest {
  /** Registers clients with the scope they ask for. */
  private final TestServer test = TestServer.create(builder -> builder.registeredScopeAsRequested());

  private TestClient registerWithScope(TestServer server, String scope) {
    EndpointResponse response = server.register("{\"redirect_uris\":[\"https://app.example.com/cb\"],"
        + "\"token_endpoint_auth_method\":\"none\",\"scope\":\"" + scope + "\"}");
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertThat(Json.parse(response.body()).get("scope").asText()).isEqualTo(scope);
    return TestClient.publicClient(Json.parse(response.body()).get("client_id").asText(), "https://app.example.com/cb");
  }

  private AuthorizationStep authorize(TestClient client, String scope) {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    if (scope == null) {
      params.remove("scope");
    } else {
      params.put("scope", scope);
    }
    return test.authorize(params);
  }

  @Test
  void authorizeWhenScopeBeyondRegisteredThenInvalidScope() {
    TestClient client = registerWithScope(test, "mcp:read");

    assertErrorRedirect(authorize(client, "mcp:read mcp:write"), "invalid_scope", "mcp:write");
    assertErrorRedirect(authorize(client, "mcp:write"), "invalid_scope");
  }

  @Test
  void authorizeWhenScopeWithinRegisteredThenAskedForWithOfflineAccessAllowed() {
    TestClient client = registerWithScope(test, "mcp:read");

    AuthorizationStep step = authorize(client, "mcp:read offline_access");

    assertThat(step).isInstanceOf(AuthorizationStep.Interaction.class);
    assertThat(((AuthorizationStep.Interaction) step).request().scopes()).containsExactlyInAnyOrder("mcp:read", "offline_access");
  }

  @Test
  void authorizeWhenNoScopeNamedThenOnlyRegisteredDefaults() {
    TestClient both = registerWithScope(test, "mcp:read mcp:write");
    TestClient writeOnly = registerWithScope(test, "mcp:write");

    AuthorizationStep step = authorize(both, null);

    assertThat(((AuthorizationStep.Interaction) step).request().scopes()).containsExactly("mcp:read");
    assertErrorRedirect(authorize(writeOnly, null), "invalid_scope");
  }

  @Test
  void authorizeWhenClientRegisteredNoScopeThenAnySupportedScope() {
    TestClient client = test.registerPublic("https://app.example.com/cb");

    AuthorizationStep step = authorize(client, "mcp:read mcp:write");

    assertThat(((AuthorizationStep.Interaction) step).request().scopes()).containsExactlyInAnyOrder("mcp:read", "mcp:write");
  }

  @Test
  void registerByDefaultWhenScopeNamedThenRegisteredWithEveryOfferedScopeSoStepUpWorks() {
    TestServer lenient = TestServer.create();
    EndpointResponse response = lenient.register("{\"redirect_uris\":[\"https://app.example.com/cb\"],"
        + "\"token_endpoint_auth_method\":\"none\",\"scope\":\"mcp:read\"}");
    TestClient client = TestClient.publicClient(Json.parse(response.body()).get("client_id").asText(), "https://app.example.com/cb");
    Map<String, String> stepUp = lenient.authorizeParams(client, Pkce.generate());
    stepUp.put("scope", "mcp:read mcp:write");

    assertThat(Json.parse(response.body()).get("scope").asText()).isEqualTo("mcp:read mcp:write");
    assertThat(lenient.authorize(stepUp)).isInstanceOf(AuthorizationStep.Interaction.class);
  }

  @Test
  void registerWhenScopeMalformedThenInvalidClientMetadata() {
    assertError(test.register("{\"redirect_uris\":[\"https://app.example.com/cb\"],\"scope\":\"mcp:read \\\\x\"}"),
        400, "invalid_client_metadata");
  }

  @Test
  void registerWhenPolicyJudgesScopeThenItSeesTheScopeAskedFor() {
    TestServer strict = TestServer.create(builder -> builder.registeredScopeAsRequested().registrationPolicy(proposal -> {
      if (proposal.scopes().contains("mcp:write")) {
        throw OAuthException.invalidClientMetadata("write access is granted to vetted clients only");
      }
    }));

    assertError(strict.register("{\"redirect_uris\":[\"https://app.example.com/cb\"],\"scope\":\"mcp:read mcp:write\"}"),
        400, "invalid_client_metadata");
    registerWithScope(strict, "mcp:read");
  }
}
