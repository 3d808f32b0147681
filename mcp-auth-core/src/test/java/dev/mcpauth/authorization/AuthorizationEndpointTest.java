package dev.mcpauth.authorization;

import static dev.mcpauth.testing.OAuthAssert.assertErrorPage;
import static dev.mcpauth.testing.OAuthAssert.assertErrorRedirect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.event.EventType;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The authorization endpoint (RFC 6749 §4.1.1, §4.1.2.1; RFC 9207; OpenID prompt) and the consent SPI. */
class AuthorizationEndpointTest {
  private final TestServer test = TestServer.create();
  private final TestClient client = test.registerPublic("http://localhost:6274/oauth/callback", "https://app.example.com/cb");

  private AuthorizationStep.Interaction interaction(Map<String, String> params) {
    AuthorizationStep step = test.authorize(params);
    assertThat(step).isInstanceOf(AuthorizationStep.Interaction.class);
    return (AuthorizationStep.Interaction) step;
  }

  @Test
  void startWhenValidThenConsentRequestShowsClientRedirectHostAndScopes() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("scope", "mcp:read mcp:write");

    ConsentRequest request = interaction(params).request();

    assertThat(request.clientName()).isEqualTo("Test Client");
    assertThat(request.redirectTarget()).isEqualTo("http://localhost:6274");
    assertThat(request.loopbackRedirect()).isTrue();
    assertThat(request.appRedirect()).isFalse();
    assertThat(request.scopes()).containsExactlyInAnyOrder("mcp:read", "mcp:write");
    assertThat(request.resource()).isEqualTo(TestServer.RESOURCE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x-app://claude.ai/cb", "X-App://claude.ai/cb", "com.example.app:/callback"})
  void startWhenPrivateUseSchemeRedirectThenTargetIsTheSchemeNotTheUnverifiedHost(String redirectUri) {
    TestClient app = test.registerPublic(redirectUri);

    ConsentRequest request = interaction(test.authorizeParams(app, Pkce.generate())).request();

    assertThat(request.redirectTarget()).isEqualTo(redirectUri.substring(0, redirectUri.indexOf(':')).toLowerCase() + ":")
        .doesNotContain("claude.ai");
    assertThat(request.appRedirect()).isTrue();
    assertThat(request.loopbackRedirect()).isFalse();
  }

  @Test
  void startWhenHttpsRedirectThenTargetIsTheOriginWithPortWhenNotDefault() {
    TestClient web = test.registerPublic("https://App.example.com:8443/cb", "https://app.example.com:443/cb");

    assertThat(interaction(test.authorizeParams(web, Pkce.generate())).request().redirectTarget())
        .isEqualTo("https://app.example.com:8443");
    assertThat(interaction(test.authorizeParams(web.withRedirect("https://app.example.com:443/cb"), Pkce.generate()))
        .request().redirectTarget()).isEqualTo("https://app.example.com");
  }

  /** The name the consent request shows for a client registered with {@code clientNameJson} (JSON string content). */
  private String shownName(String clientNameJson) {
    String json = "{\"redirect_uris\":[\"https://app.example.com/cb\"],\"token_endpoint_auth_method\":\"none\","
        + "\"client_name\":\"" + clientNameJson + "\"}";
    String clientId = Json.parse(test.register(json).body()).get("client_id").asText();
    return interaction(test.authorizeParams(TestClient.publicClient(clientId, "https://app.example.com/cb"), Pkce.generate()))
        .request().clientName();
  }

  @Test
  void startWhenClientNameHasBidiOverridesOrControlsThenShownEscaped() {
    assertThat(shownName("Good\u202egnp.exe\\u0007\u200b App")).isEqualTo("Good<U+202E>gnp.exe<U+0007><U+200B> App");
  }

  @Test
  void startWhenClientNameHasBlankLettersOrOddSpacesThenShownEscaped() {
    assertThat(shownName("A\u3164B\u115fC\uffa0D\u2800E\u034fF\ufe0fG\u3000H\u00a0I \u00e9"))
        .isEqualTo("A<U+3164>B<U+115F>C<U+FFA0>D<U+2800>E<U+034F>F<U+FE0F>G<U+3000>H<U+00A0>I \u00e9");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP://127.0.0.1/cb", "https://localhost/cb", "http://[::1]:8080/cb"})
  void startWhenLoopbackRedirectInAnyFormThenLoopbackWarning(String redirectUri) {
    TestClient local = test.registerPublic(redirectUri);

    assertThat(interaction(test.authorizeParams(local, Pkce.generate())).request().loopbackRedirect()).isTrue();
  }

  @Test
  void startWhenHttpsRedirectThenNoLoopbackWarning() {
    Map<String, String> params = test.authorizeParams(client.withRedirect("https://app.example.com/cb"), Pkce.generate());

    assertThat(interaction(params).request().loopbackRedirect()).isFalse();
  }

  @Test
  void startWhenPostedAsFormThenSameAsGet() {
    String form = TestServer.encode(test.authorizeParams(client, Pkce.generate()));

    assertThat(test.server.authorizationEndpoint().start(EndpointRequest.form(form)))
        .isInstanceOf(AuthorizationStep.Interaction.class);
  }

  @Test
  void startWhenScopeOmittedThenDefaultScopes() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.remove("scope");

    assertThat(interaction(params).request().scopes()).containsExactly("mcp:read");
  }

  /**
   * A parameter whose percent-encoding is malformed is refused, not read as absent (before: {@code
   * scope=%zz} quietly became the default scopes; found by attacking the example).
   */
  @ParameterizedTest
  @ValueSource(strings = {"scope=%zz", "resource=%zz", "scope=mcp%3", "scope=%", "state=%g1", "scope=%\u0663\u0663"})
  void startWhenAParameterIsMalformedlyPercentEncodedThenErrorPageNotTheDefault(String malformed) {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.remove(malformed.substring(0, malformed.indexOf('=')));
    String query = TestServer.encode(params) + "&" + malformed;

    AuthorizationStep step = test.server.authorizationEndpoint().start(EndpointRequest.get(query));

    assertThat(step).isInstanceOf(AuthorizationStep.ErrorPage.class);
    assertThat(((AuthorizationStep.ErrorPage) step).error().code().code()).isEqualTo("invalid_request");
  }

  @Test
  void startWhenOfflineAccessRequestedThenAccepted() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("scope", "mcp:read offline_access");

    assertThat(interaction(params).request().scopes()).contains("offline_access");
  }

  @Test
  void startWhenUnknownScopeThenInvalidScope() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("scope", "mcp:read admin");

    assertErrorRedirect(test.authorize(params), "invalid_scope");
  }

  @ParameterizedTest
  @ValueSource(strings = {"token", "id_token", "code token", "none"})
  void startWhenResponseTypeNotCodeThenUnsupportedResponseType(String responseType) {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("response_type", responseType);

    assertErrorRedirect(test.authorize(params), "unsupported_response_type");
  }

  @Test
  void startWhenResponseTypeMissingThenInvalidRequest() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.remove("response_type");

    assertErrorRedirect(test.authorize(params), "invalid_request");
  }

  @Test
  void startWhenPromptConsentThenAcceptedAndFlagged() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("prompt", "consent");

    assertThat(interaction(params).request().consentPrompted()).isTrue();
  }

  @Test
  void startWhenPromptNoneThenLoginRequired() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("prompt", "none");

    assertErrorRedirect(test.authorize(params), "login_required");
  }

  @Test
  void startWhenRequestObjectThenRequestNotSupported() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("request", "eyJhbGciOiJub25lIn0.e30.");

    assertErrorRedirect(test.authorize(params), "request_not_supported");
  }

  @Test
  void startWhenResponseModeFragmentThenInvalidRequest() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("response_mode", "fragment");

    assertErrorRedirect(test.authorize(params), "invalid_request");
  }

  @Test
  void completeWhenDeniedThenAccessDeniedRedirectWithStateAndIss() {
    AuthorizationStep.Interaction pending = interaction(test.authorizeParams(client, Pkce.generate()));

    AuthorizationStep step = test.server.authorizationEndpoint().complete(pending.handle(), Decision.deny());

    assertErrorRedirect(step, "access_denied");
    assertThat(test.events.types()).contains(EventType.AUTHORIZATION_DENIED);
  }

  @Test
  void completeWhenCalledTwiceThenSecondShowsErrorPage() {
    AuthorizationStep.Interaction pending = interaction(test.authorizeParams(client, Pkce.generate()));
    test.server.authorizationEndpoint().complete(pending.handle(), Decision.approve("alice", Set.of("mcp:read")));

    assertErrorPage(test.server.authorizationEndpoint().complete(pending.handle(), Decision.approve("alice", Set.of("mcp:read"))),
        "invalid_request");
  }

  @Test
  void completeWhenApprovalGrantsUnrequestedScopeThenRefusedAndRequestStaysPending() {
    AuthorizationStep.Interaction pending = interaction(test.authorizeParams(client, Pkce.generate()));

    assertThatThrownBy(() -> test.server.authorizationEndpoint().complete(pending.handle(),
        Decision.approve("alice", Set.of("mcp:read", "mcp:write")))).isInstanceOf(IllegalArgumentException.class);
    assertThat(test.server.authorizationEndpoint().pending(pending.handle())).isPresent();
  }

  @Test
  void completeWhenApprovedWithFewerScopesThenTokenHasThem() {
    Pkce pkce = Pkce.generate();
    Map<String, String> params = test.authorizeParams(client, pkce);
    params.put("scope", "mcp:read mcp:write");
    AuthorizationStep.Interaction pending = interaction(params);

    AuthorizationStep.Redirect redirect = (AuthorizationStep.Redirect) test.server.authorizationEndpoint()
        .complete(pending.handle(), Decision.approve("bob", Set.of("mcp:read")));

    String code = TestServer.query(redirect.location()).get("code");
    TestServer.TokenPair tokens = TestServer.TokenPair.from(test.exchange(client, code, pkce));
    assertThat(test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken()).scopes()).containsExactly("mcp:read");
    assertThat(test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken()).subject()).isEqualTo("bob");
  }

  @Test
  void completeWhenHandleUnknownThenErrorPage() {
    assertErrorPage(test.server.authorizationEndpoint().complete("forged-handle", Decision.approve("alice", Set.of())),
        "invalid_request");
    assertThat(test.server.authorizationEndpoint().pending("forged-handle")).isEmpty();
  }

  @Test
  void stepsWhenPrintedThenHideHandleAndCode() {
    AuthorizationStep.Interaction pending = interaction(test.authorizeParams(client, Pkce.generate()));
    AuthorizationStep done = test.server.authorizationEndpoint().complete(pending.handle(), Decision.approve("alice", Set.of()));
    String code = TestServer.query(((AuthorizationStep.Redirect) done).location()).get("code");

    assertThat(pending.toString()).doesNotContain(pending.handle());
    assertThat(done.toString()).doesNotContain(code);
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "\u0017", " \t\u0001 "})
  void startWhenStateIsBlankThenTreatedAsAbsent(String blank) {
    // Found by AuthorizeQueryFuzzTest: Nimbus's State refuses a value with nothing left after trim()
    // with an IllegalArgumentException, which left start() and complete() unchecked (a 500).
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("state", blank);
    URI approved = test.approve(params);
    assertThat(TestServer.query(approved)).containsKey("code").doesNotContainKey("state");

    params.remove("code_challenge");
    AuthorizationStep step = test.authorize(params);

    assertThat(step).isInstanceOf(AuthorizationStep.Redirect.class);
    Map<String, String> query = TestServer.query(((AuthorizationStep.Redirect) step).location());
    assertThat(query).containsEntry("error", "invalid_request").doesNotContainKey("state");
  }
}
