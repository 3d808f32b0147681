package dev.mcpauth.redirect;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static dev.mcpauth.testing.OAuthAssert.assertErrorPage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.RedirectUris;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Redirect URI registration and matching: RFC 6749 §3.1.2, RFC 8252 §7, OAuth 2.1 exact matching. */
class RedirectUriTest {
  private final TestServer test = TestServer.create();

  @ParameterizedTest
  @ValueSource(strings = {
      "javascript:alert(1)",
      "data:text/html,hello",
      "https://app.example.com/cb#fragment",
      "https://*.example.com/cb",
      "https://app.example.com/*",
      "http://app.example.com/cb",
      "http://192.168.1.10/cb",
      "https://user:pass@app.example.com/cb",
      "/relative/callback",
      "file:///etc/passwd",
      "vbscript:msgbox",
      "https:///no-host",
  })
  void registerWhenRedirectUriUnsafeThenInvalidRedirectUri(String uri) {
    String json = "{\"redirect_uris\":[\"" + uri + "\"],\"token_endpoint_auth_method\":\"none\"}";

    assertError(test.register(json), 400, "invalid_redirect_uri");
  }

  @Test
  void registerWhenOneOfSeveralUrisUnsafeThenWholeRegistrationRefused() {
    String json = "{\"redirect_uris\":[\"https://app.example.com/cb\",\"javascript:alert(1)\"],"
        + "\"token_endpoint_auth_method\":\"none\"}";

    assertError(test.register(json), 400, "invalid_redirect_uri");
  }

  @Test
  void authorizeWhenRedirectUriExactlyRegisteredThenInteraction() {
    TestClient client = test.registerPublic("https://app.example.com/cb");

    assertThat(test.authorize(test.authorizeParams(client, Pkce.generate())))
        .isInstanceOf(AuthorizationStep.Interaction.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://app.example.com/cb/extra",
      "https://app.example.com/cb?x=1",
      "https://app.example.com/CB",
      "https://app.example.com:8443/cb",
      "https://evil.example.com/cb",
      "http://app.example.com/cb",
      "https://app.example.com/cb#frag",
  })
  void authorizeWhenRedirectUriDiffersThenErrorPageNotRedirect(String requested) {
    TestClient client = test.registerPublic("https://app.example.com/cb");
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("redirect_uri", requested);

    assertErrorPage(test.authorize(params), "invalid_request");
  }

  @ParameterizedTest
  @CsvSource({
      "http://127.0.0.1/callback, http://127.0.0.1:51234/callback",
      "http://localhost/callback, http://localhost:51234/callback",
      "http://[::1]/callback, http://[::1]:51234/callback",
      "http://127.0.0.1:33418/, http://127.0.0.1:40000/",
      "http://localhost:8787/callback, http://localhost/callback",
  })
  void authorizeWhenLoopbackOnAnotherPortThenMatchesAndRedirectsToThatPort(String registered, String requested) {
    TestClient client = test.registerPublic(registered);
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("redirect_uri", requested);

    URI redirect = test.approve(params);

    assertThat(redirect.toString()).startsWith(requested + "?");
    assertThat(TestServer.query(redirect)).containsKey("code");
  }

  @ParameterizedTest
  @CsvSource({
      "http://127.0.0.1/callback, http://localhost:51234/callback",
      "http://127.0.0.1/callback, http://127.0.0.1:51234/other",
      "http://127.0.0.1/callback, https://127.0.0.1:51234/callback",
      "http://localhost/callback, http://localhost.evil.com:51234/callback",
  })
  void authorizeWhenLoopbackDiffersBeyondPortThenErrorPage(String registered, String requested) {
    TestClient client = test.registerPublic(registered);
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("redirect_uri", requested);

    assertErrorPage(test.authorize(params), "invalid_request");
  }

  @Test
  void authorizeWhenClientUnknownThenErrorPage() {
    TestClient client = TestClient.publicClient("no-such-client", "https://app.example.com/cb");

    assertErrorPage(test.authorize(test.authorizeParams(client, Pkce.generate())), "invalid_client");
  }

  @Test
  void authorizeWhenClientIdMissingThenErrorPage() {
    TestClient client = test.registerPublic("https://app.example.com/cb");
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.remove("client_id");

    assertErrorPage(test.authorize(params), "invalid_request");
  }

  @Test
  void authorizeWhenBadRedirectAndOtherErrorsThenErrorPageWins() {
    TestClient client = test.registerPublic("https://app.example.com/cb");
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("redirect_uri", "https://evil.example.com/cb");
    params.put("response_type", "token");

    assertErrorPage(test.authorize(params), "invalid_request");
  }

  @Test
  void authorizeWhenRedirectOmittedAndOneRegisteredThenUsesIt() {
    TestClient client = test.registerPublic("https://app.example.com/cb");
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.remove("redirect_uri");

    assertThat(test.approve(params).toString()).startsWith("https://app.example.com/cb?");
  }

  @Test
  void authorizeWhenRedirectOmittedAndSeveralRegisteredThenErrorPage() {
    TestClient client = test.registerPublic("https://app.example.com/cb", "https://app.example.com/cb2");
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.remove("redirect_uri");

    assertErrorPage(test.authorize(params), "invalid_request");
  }

  @Test
  void tokenWhenRedirectUriDiffersFromAuthorizationRequestThenInvalidGrant() {
    TestClient client = test.registerPublic("http://127.0.0.1/cb");
    Pkce pkce = Pkce.generate();
    Map<String, String> params = test.authorizeParams(client, pkce);
    params.put("redirect_uri", "http://127.0.0.1:5000/cb");
    String code = TestServer.query(test.approve(params)).get("code");

    // The registered URI, but not the one the authorization request used.
    assertError(test.exchange(client, code, pkce), 400, "invalid_grant");
  }

  @Test
  void tokenWhenRedirectUriOmittedButSentInAuthorizationThenInvalidGrant() {
    TestClient client = test.registerPublic("https://app.example.com/cb");
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    assertError(test.token(client, Map.of("grant_type", "authorization_code", "code", code,
        "code_verifier", pkce.verifier())), 400, "invalid_grant");
  }

  @Test
  void redirectUrisWhenIpv6LiteralHasAnOverlongIpv4PartThenRefusedNotThrown() {
    // Found by RedirectUrisFuzzTest: java.net.URI throws NumberFormatException for it, which
    // RedirectUris.checkRegistrable and match let out.
    String uri = "http://[::111111111111.1]/cb"; // twelve digits: more than an int holds
    Client loopback = Client.builder("c").redirectUris(List.of("http://127.0.0.1/cb")).build();

    assertThatThrownBy(() -> RedirectUris.checkRegistrable(uri))
        .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REDIRECT_URI));
    assertThat(RedirectUris.match(loopback, uri)).isEmpty();
  }
}
