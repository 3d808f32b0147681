package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.resource.ResourceServerTest;
import dev.mcpauth.resource.TestIssuer;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The federated login against an OpenID provider over real HTTP: what the callback must prove. */
class UpstreamLoginTest {
  private static final String CLIENT_AT_PROVIDER = "mcp-auth-at-provider";

  private final RSAKey key = ResourceServerTest.rsa("upstream-key");
  private final TestIssuer provider = newProvider();
  private final UpstreamTokenSealer sealer = UpstreamTokenSealer.of(UpstreamTokenSealer.newKey());
  private final AtomicReference<String> nonce = new AtomicReference<>();
  private final TestServer test = TestServer.create(b -> b.upstream(UpstreamProvider.builder()
      .issuer(provider.issuer())
      .client(CLIENT_AT_PROVIDER, "provider-secret")
      .scopes("openid")
      .callbackUri("https://as.example.com/interaction/identity/callback")
      .build(), sealer));
  private final UpstreamLogin login = test.server.upstreamLogin().orElseThrow();
  private final TestClient client = test.registerPublic("https://app.example.com/cb");

  @AfterEach
  void stop() {
    provider.close();
  }

  @Test
  void finishWhenTheProviderVouchesThenTheClientGetsACodeForTheUpstreamSubjectAndTheTokensAreSealedForTheGrant()
      throws Exception {
    UpstreamLogin.Begun begun = begin();
    Map<String, String> query = TestServer.query(begun.authorizationUrl());
    assertThat(query).containsEntry("code_challenge_method", "S256").containsKey("nonce").containsKey("state")
        .containsEntry("client_id", CLIENT_AT_PROVIDER);
    providerAnswers("bob", query.get("nonce"));

    AuthorizationStep step = finish(Map.of("code", "upstream-code", "state", query.get("state")), begun.binding());

    assertThat(step).isInstanceOf(AuthorizationStep.Redirect.class);
    Map<String, String> back = TestServer.query(((AuthorizationStep.Redirect) step).location());
    assertThat(back).containsKey("code").containsEntry("state", "state-123");
    TestServer.TokenPair tokens = TestServer.TokenPair.from(test.exchange(client, back.get("code"), pkce));
    String grantId = test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken()).grantId();
    assertThat(test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken()).subject()).isEqualTo("bob");
    assertThat(test.server.upstreamSession().orElseThrow().tokens(grantId).accessToken()).isEqualTo("upstream-access");
    assertThat(tokens.json().toString()).doesNotContain("upstream-access").doesNotContain("upstream-refresh");
  }

  @Test
  void finishWhenTheCallbackCannotBeTrustedThenAnErrorPageAndNoCode() throws Exception {
    UpstreamLogin.Begun begun = begin();
    Map<String, String> query = TestServer.query(begun.authorizationUrl());
    providerAnswers("bob", query.get("nonce"));
    String state = query.get("state");

    assertError(finish(Map.of("code", "c", "state", state), null), "did not start in this browser");
    assertError(finish(Map.of("code", "c", "state", state), begun.binding() + "x"), "did not start in this browser");
    assertError(finish(Map.of("code", "c", "state", "other"), begun.binding()), "does not belong");
    assertError(finish(Map.of("code", "c", "state", state, "iss", "https://evil.example"), begun.binding()),
        "another identity provider");
    test.clock.advance(Duration.ofMinutes(11));
    assertError(finish(Map.of("code", "c", "state", state), begun.binding()), "too long");
  }

  @Test
  void finishWhenAParameterIsRepeatedThenRefusedWhicheverValueComesFirst() throws Exception {
    UpstreamLogin.Begun begun = begin();
    Map<String, String> query = TestServer.query(begun.authorizationUrl());
    providerAnswers("bob", query.get("nonce"));
    String good = "code=c&state=" + query.get("state");

    // RFC 6749 §3.1: no parameter twice. Dropping the repeats would skip the RFC 9207 check.
    assertError(login.finish(good + "&iss=evil&iss=evil2", begun.binding()), "'iss' is included more than once");
    assertError(login.finish(good + "&iss=" + enc(provider.issuer()) + "&iss=evil", begun.binding()), "more than once");
    assertError(login.finish(good + "&state=other", begun.binding()), "'state' is included more than once");
    assertError(login.finish(good + "&code=other", begun.binding()), "'code' is included more than once");
    assertThat(((AuthorizationStep.ErrorPage) login.finish(good + "&iss=a&iss=b", begun.binding())).error().code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);

    AuthorizationStep step = login.finish(good + "&iss=" + enc(provider.issuer()), begun.binding());
    assertThat(step).as("the binding is still good").isInstanceOf(AuthorizationStep.Redirect.class);
  }

  @Test
  void finishWhenTheProviderSaysItSendsIssThenItIsRequired() throws Exception {
    provider.issParameterSupported(true);
    UpstreamLogin.Begun begun = begin();
    Map<String, String> query = TestServer.query(begun.authorizationUrl());
    providerAnswers("bob", query.get("nonce"));
    String good = "code=c&state=" + query.get("state");

    assertError(login.finish(good, begun.binding()), "did not say which identity provider");
    assertError(login.finish(good + "&iss=", begun.binding()), "did not say which identity provider");
    assertError(login.finish(good + "&iss=" + enc(provider.issuer() + "/"), begun.binding()), "another identity provider");
    assertThat(login.finish(good + "&iss=" + enc(provider.issuer()), begun.binding()))
        .isInstanceOf(AuthorizationStep.Redirect.class);
  }

  @Test
  void finishWhenTheIdTokenNonceDiffersThenRefusedAsUnverifiable() throws Exception {
    UpstreamLogin.Begun begun = begin();
    providerAnswers("bob", "another-nonce");
    AuthorizationStep step = finish(Map.of("code", "c", "state", TestServer.query(begun.authorizationUrl()).get("state")),
        begun.binding());
    assertThat(step).isInstanceOf(AuthorizationStep.ErrorPage.class);
    assertThat(((AuthorizationStep.ErrorPage) step).error().code()).isEqualTo(ErrorCode.ACCESS_DENIED);
  }

  @Test
  void finishWhenTheUserRefusedUpstreamThenTheClientGetsAccessDenied() throws Exception {
    UpstreamLogin.Begun begun = begin();
    AuthorizationStep step = finish(Map.of("error", "access_denied",
        "state", TestServer.query(begun.authorizationUrl()).get("state")), begun.binding());
    assertThat(step).isInstanceOf(AuthorizationStep.Redirect.class);
    URI location = ((AuthorizationStep.Redirect) step).location();
    assertThat(TestServer.query(location)).containsEntry("error", "access_denied").doesNotContainKey("code");
  }

  private final Pkce pkce = Pkce.generate();

  private AuthorizationStep finish(Map<String, String> query, String binding) {
    return login.finish(TestServer.encode(query), binding);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private UpstreamLogin.Begun begin() {
    AuthorizationStep step = test.authorize(test.authorizeParams(client, pkce));
    return login.begin(((AuthorizationStep.Interaction) step).handle());
  }

  private void providerAnswers(String subject, String idTokenNonce) throws Exception {
    provider.publish(key.toPublicJWK());
    Map<String, Object> claims = new HashMap<>();
    claims.put("sub", subject);
    claims.put("aud", CLIENT_AT_PROVIDER);
    claims.put("nonce", idTokenNonce);
    claims.put("iat", new Date());
    String idToken = provider.sign(key, JWSAlgorithm.RS256, claims);
    provider.token(200, 0, form -> "{\"access_token\":\"upstream-access\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
        + "\"refresh_token\":\"upstream-refresh\",\"id_token\":\"" + idToken + "\"}");
  }

  private static void assertError(AuthorizationStep step, String description) {
    assertThat(step).isInstanceOf(AuthorizationStep.ErrorPage.class);
    assertThat(((AuthorizationStep.ErrorPage) step).error().description()).contains(description);
  }

  private static TestIssuer newProvider() {
    try {
      return new TestIssuer("");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
