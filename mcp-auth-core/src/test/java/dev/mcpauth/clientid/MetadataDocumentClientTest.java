package dev.mcpauth.clientid;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static dev.mcpauth.testing.OAuthAssert.assertErrorPage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.authorization.ConsentRequest;
import dev.mcpauth.authorization.Decision;
import dev.mcpauth.client.RegistrationPolicy;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Clients identified by a Client ID Metadata Document, here pinned by the operator (the same checks
 * as a fetched one; fetching is tested with a real HTTPS server in {@code MetadataDocumentFetchTest}):
 * documents shaped like Claude's, ChatGPT's and VS Code's are accepted and complete the flow, the
 * document's menu of methods and grant types is negotiated, and one client id shared by many
 * installations keeps their grants apart.
 */
class MetadataDocumentClientTest {
  static final String CLAUDE = "https://claude.ai/oauth/mcp-oauth-client-metadata";
  static final String CLAUDE_DOCUMENT = """
      {"client_id":"https://claude.ai/oauth/mcp-oauth-client-metadata","client_name":"Claude",
       "client_uri":"https://claude.ai","logo_uri":"https://claude.ai/images/claude_app_icon.png",
       "redirect_uris":["https://claude.ai/api/mcp/auth_callback"],
       "grant_types":["authorization_code","refresh_token","urn:ietf:params:oauth:grant-type:jwt-bearer"],
       "response_types":["code"],"token_endpoint_auth_method":"none"}""";
  static final String CHATGPT = "https://chatgpt.com/oauth/8f2c1e/client.json";
  static final String VSCODE = "https://vscode.dev/oauth/client-metadata.json";
  static final String VSCODE_DOCUMENT = """
      {"client_id":"https://vscode.dev/oauth/client-metadata.json","client_name":"Visual Studio Code",
       "client_uri":"https://code.visualstudio.com","application_type":"native",
       "redirect_uris":["http://127.0.0.1:33418/","https://vscode.dev/redirect"],
       "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
       "token_endpoint_auth_method":"none"}""";

  private final RSAKey chatGptKey = Assertions.rsaKey();

  private String chatGptDocument() {
    return """
        {"client_id":"%s","client_name":"ChatGPT","redirect_uris":["https://chatgpt.com/connector_platform_oauth_redirect"],
         "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
         "token_endpoint_auth_methods_supported":["none","private_key_jwt"],
         "token_endpoint_auth_signing_alg_values_supported":["RS256"],"jwks":%s}"""
        .formatted(CHATGPT, Assertions.jwks(chatGptKey));
  }

  private TestServer server() {
    return TestServer.create(builder -> builder
        .pinnedClientMetadataDocument(CLAUDE, CLAUDE_DOCUMENT)
        .pinnedClientMetadataDocument(CHATGPT, chatGptDocument())
        .pinnedClientMetadataDocument(VSCODE, VSCODE_DOCUMENT));
  }

  @Test
  void claudeWhenItsDocumentIsPinnedThenFullFlowAndRefresh() {
    TestServer test = server();
    TestClient claude = TestClient.publicClient(CLAUDE, "https://claude.ai/api/mcp/auth_callback");

    TestServer.TokenPair tokens = test.tokens(claude);
    EndpointResponse refreshed = test.refresh(claude, tokens.refreshToken());

    assertThat(test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken()).clientId()).isEqualTo(CLAUDE);
    assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
  }

  @Test
  void consentWhenMetadataDocumentClientThenClaimsShownNextToTheVerifiedHost() {
    TestServer test = server();
    AuthorizationStep step = test.authorize(test.authorizeParams(
        TestClient.publicClient(CLAUDE, "https://claude.ai/api/mcp/auth_callback"), Pkce.generate()));

    ConsentRequest request = ((AuthorizationStep.Interaction) step).request();
    assertThat(request.clientName()).isEqualTo("Claude");
    assertThat(request.metadataDocumentHost()).isEqualTo("claude.ai");
    assertThat(request.clientUri()).isEqualTo("https://claude.ai");
    assertThat(request.logoUri()).isEqualTo("https://claude.ai/images/claude_app_icon.png");
    assertThat(request.clientId()).isEqualTo(CLAUDE);
  }

  @Test
  void chatGptWhenItAuthenticatesWithASignedAssertionThenTokens() {
    TestServer test = server();

    EndpointResponse response = chatGptExchange(test, chatGptKey, TestServer.ISSUER + "/token");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  @Test
  void chatGptWhenItSendsABadAssertionThenInvalidClientNotAFallBackToNone() {
    TestServer test = server();

    assertError(chatGptExchange(test, Assertions.rsaKey(), TestServer.ISSUER), 401, "invalid_client");
  }

  /** ChatGPT's code exchange, authenticated by an assertion signed with {@code key} for {@code audience}. */
  private static EndpointResponse chatGptExchange(TestServer test, RSAKey key, String audience) {
    TestClient chatGpt = TestClient.publicClient(CHATGPT, "https://chatgpt.com/connector_platform_oauth_redirect");
    Pkce pkce = Pkce.generate();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", test.code(chatGpt, pkce));
    form.put("redirect_uri", chatGpt.redirectUri());
    form.put("code_verifier", pkce.verifier());
    form.put("client_assertion_type", Assertions.TYPE);
    form.put("client_assertion", Assertions.sign(key, CHATGPT, audience,
        test.clock.instant().plus(Duration.ofMinutes(5)), UUID.randomUUID().toString()));
    return test.server.tokenEndpoint().handle(EndpointRequest.form(TestServer.encode(form)));
  }

  @Test
  void chatGptWhenItUsesNoneFromItsMenuThenTokens() {
    TestServer test = server();
    TestClient chatGpt = TestClient.publicClient(CHATGPT, "https://chatgpt.com/connector_platform_oauth_redirect");

    assertThat(test.tokens(chatGpt).accessToken()).isNotBlank();
  }

  @Test
  void documentWhenItOffersNoRefreshTokenGrantThenNoRefreshToken() {
    String url = "https://apps.example.com/no-refresh.json";
    TestServer test = TestServer.create(builder -> builder.pinnedClientMetadataDocument(url, """
        {"client_id":"%s","redirect_uris":["https://apps.example.com/cb"],"grant_types":["authorization_code"],
         "token_endpoint_auth_method":"none"}""".formatted(url)));

    TestServer.TokenPair tokens = test.tokens(TestClient.publicClient(url, "https://apps.example.com/cb"));

    assertThat(tokens.json().has("refresh_token")).isFalse();
  }

  @Test
  void documentWhenItOffersNoneAndUnusableKeysThenNoneIsPickedAndTheKeysIgnored() {
    String url = "https://apps.example.com/oct.json";
    TestServer test = TestServer.create(builder -> builder.pinnedClientMetadataDocument(url, """
        {"client_id":"%s","redirect_uris":["https://apps.example.com/cb"],
         "token_endpoint_auth_methods_supported":["none","private_key_jwt"],
         "jwks":{"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"}]}}""".formatted(url)));

    assertThat(test.tokens(TestClient.publicClient(url, "https://apps.example.com/cb")).accessToken()).isNotBlank();
  }

  @Test
  void consentWhenTheDocumentsClaimsAreBlankOrHoldInvisibleCharactersThenTheyAreNotShownAsSuch() {
    String url = "https://apps.example.com/tricky.json";
    TestServer test = TestServer.create(builder -> builder.pinnedClientMetadataDocument(url, """
        {"client_id":"%s","client_name":"  ","client_uri":"https://claude.ai/\u202egro.live//:sptth",
         "logo_uri":"https://apps.example.com/\u200blogo.png","redirect_uris":["https://apps.example.com/cb"],
         "token_endpoint_auth_method":"none"}""".formatted(url)));

    AuthorizationStep step = test.authorize(test.authorizeParams(
        TestClient.publicClient(url, "https://apps.example.com/cb"), Pkce.generate()));

    ConsentRequest request = ((AuthorizationStep.Interaction) step).request();
    assertThat(request.clientName()).isEqualTo(url);
    assertThat(request.clientUri()).isNull();
    assertThat(request.logoUri()).isNull();
  }

  @Test
  void consentWhenTheDocumentUrlNamesAPortThenThePageShowsIt() {
    String url = "https://apps.example.com:8443/client.json";
    TestServer test = TestServer.create(builder -> builder.pinnedClientMetadataDocument(url, """
        {"client_id":"%s","redirect_uris":["https://apps.example.com/cb"],"token_endpoint_auth_method":"none"}"""
        .formatted(url)));

    AuthorizationStep step = test.authorize(test.authorizeParams(
        TestClient.publicClient(url, "https://apps.example.com/cb"), Pkce.generate()));

    assertThat(((AuthorizationStep.Interaction) step).request().metadataDocumentHost()).isEqualTo("apps.example.com:8443");
  }

  @Test
  void vsCodeWhenLoopbackRedirectOnAnotherPortThenAccepted() {
    TestServer test = server();
    TestClient vsCode = TestClient.publicClient(VSCODE, "http://127.0.0.1:51234/");

    assertThat(test.tokens(vsCode).accessToken()).isNotBlank();
  }

  @Test
  void authorizeWhenRedirectUriNotInTheDocumentThenErrorPageNotARedirect() {
    TestServer test = server();

    assertErrorPage(test.authorize(test.authorizeParams(
        TestClient.publicClient(CLAUDE, "https://evil.example.com/callback"), Pkce.generate())), "invalid_request");
  }

  @Test
  void oneClientIdWhenTwoInstallationsAuthorizeThenTheirGrantsStayApart() {
    TestServer test = server();
    TestClient laptop = TestClient.publicClient(VSCODE, "http://127.0.0.1:40001/");
    TestClient desktop = TestClient.publicClient(VSCODE, "http://127.0.0.1:40002/");
    TestServer.TokenPair first = test.tokens(laptop);
    TestServer.TokenPair second = test.tokens(desktop);

    EndpointResponse revoked = test.server.revocationEndpoint().handle(EndpointRequest.form(
        TestServer.encode(Map.of("token", first.refreshToken(), "client_id", VSCODE))));

    assertThat(revoked.status()).isEqualTo(200);
    assertError(test.refresh(laptop, first.refreshToken()), 400, "invalid_grant");
    assertThat(test.refresh(desktop, second.refreshToken()).status()).isEqualTo(200);
    assertThat(test.server.verifier(TestServer.RESOURCE).verify(second.accessToken()).grantId())
        .isNotEqualTo(test.server.verifier(TestServer.RESOURCE).verify(test.tokens(laptop).accessToken()).grantId());
  }

  @Test
  void codeWhenRedeemedWithAnotherInstallationsRedirectThenInvalidGrant() {
    TestServer test = server();
    TestClient laptop = TestClient.publicClient(VSCODE, "http://127.0.0.1:40001/");
    Pkce pkce = Pkce.generate();
    String code = test.code(laptop, pkce);

    assertError(test.exchange(laptop.withRedirect("http://127.0.0.1:40002/"), code, pkce), 400, "invalid_grant");
  }

  @Test
  void registrationPolicyWhenItRefusesAPinnedDocumentsRedirectsThenBuildFails() {
    assertThatThrownBy(() -> TestServer.create(builder -> builder
        .registrationPolicy(RegistrationPolicy.allowRedirectHosts("vscode.dev"))
        .pinnedClientMetadataDocument(VSCODE, VSCODE_DOCUMENT.replace("https://vscode.dev/redirect", "https://evil.example/cb"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Redirect URIs to this host are not accepted");
  }

  @Test
  void pinnedDocumentWhenInvalidThenBuildFailsSayingWhy() {
    assertThatThrownBy(() -> TestServer.create(builder -> builder.pinnedClientMetadataDocument(CLAUDE,
        CLAUDE_DOCUMENT.replace("\"client_id\":\"https://claude.ai/oauth/mcp-oauth-client-metadata\"",
            "\"client_id\":\"https://claude.ai/other\""))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("client_id");
    assertThatThrownBy(() -> TestServer.create(builder -> builder.pinnedClientMetadataDocument(CLAUDE,
        CLAUDE_DOCUMENT.replace("\"token_endpoint_auth_method\":\"none\"", "\"token_endpoint_auth_method\":\"client_secret_basic\""))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("authentication");
    assertThatThrownBy(() -> TestServer.create(builder -> builder.pinnedClientMetadataDocument(CLAUDE,
        CLAUDE_DOCUMENT.replace("\"redirect_uris\":[\"https://claude.ai/api/mcp/auth_callback\"],", ""))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("redirect_uris");
    assertThatThrownBy(() -> TestServer.create(builder -> builder.pinnedClientMetadataDocument(CLAUDE,
        CLAUDE_DOCUMENT.replace("\"authorization_code\",", ""))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("authorization_code");
  }

  @Test
  void clientIdUrlWhenMalformedThenErrorPageSayingWhy() {
    TestServer test = server();
    for (String clientId : new String[] {"https://claude.ai", "https://claude.ai/", "https://claude.ai/a/../b",
        "https://claude.ai/a/%2e%2e/b", "https://user:pw@claude.ai/doc", "https://claude.ai/doc#frag",
        "https://claude.ai:65536/doc", "https://claude.ai:0/doc", "https://claude.ai/\u202Edoc", "https://claude.ai/caf\u00e9"}) {
      Map<String, String> params = test.authorizeParams(TestClient.publicClient(clientId, "https://claude.ai/cb"), Pkce.generate());

      assertErrorPage(test.authorize(params), "invalid_client");
    }
  }

  @Test
  void allowListWhenHostNotOnItThenRefusedBeforeAnyFetch() {
    TestServer test = TestServer.create(builder -> builder.clientIdMetadataDocumentHosts("claude.ai"));
    AuthorizationStep step = test.authorize(test.authorizeParams(
        TestClient.publicClient("https://attacker.example/client.json", "https://attacker.example/cb"), Pkce.generate()));

    assertErrorPage(step, "invalid_client");
    assertThat(((AuthorizationStep.ErrorPage) step).error().description()).contains("does not accept");
  }

  @Test
  void disabledWhenClientIdIsAUrlThenUnknownClientAndNotAdvertised() {
    TestServer test = TestServer.create(builder -> builder.clientIdMetadataDocuments(false)
        .pinnedClientMetadataDocument(CLAUDE, CLAUDE_DOCUMENT));

    assertErrorPage(test.authorize(test.authorizeParams(
        TestClient.publicClient(CLAUDE, "https://claude.ai/api/mcp/auth_callback"), Pkce.generate())), "invalid_client");
    JsonNode metadata = Json.parse(test.server.metadata().authorizationServer().body());
    assertThat(metadata.has("client_id_metadata_document_supported")).isFalse();
  }

  @Test
  void approvalWhenRecordedThenGrantIsTheInstallationsOwn() {
    TestServer test = server();
    TestClient claude = TestClient.publicClient(CLAUDE, "https://claude.ai/api/mcp/auth_callback");
    AuthorizationStep.Interaction first = (AuthorizationStep.Interaction) test.authorize(test.authorizeParams(claude, Pkce.generate()));
    AuthorizationStep.Interaction second = (AuthorizationStep.Interaction) test.authorize(test.authorizeParams(claude, Pkce.generate()));

    URI bob = ((AuthorizationStep.Redirect) test.server.authorizationEndpoint()
        .complete(second.handle(), Decision.approve("bob", second.request().scopes()))).location();
    AuthorizationStep denied = test.server.authorizationEndpoint().complete(first.handle(), Decision.deny());

    assertThat(TestServer.query(bob)).containsKey("code");
    assertThat(TestServer.query(((AuthorizationStep.Redirect) denied).location())).containsEntry("error", "access_denied");
  }

  @Test
  void preRegisteredClientIdWhenAnHttpsUrlThenBuildFails() {
    assertThatThrownBy(() -> TestServer.create(builder -> builder.client(
        dev.mcpauth.client.Client.builder("https://bot.example.com/client").redirectUris(java.util.List.of("https://bot.example.com/cb")).build())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("https URL");
  }
}
