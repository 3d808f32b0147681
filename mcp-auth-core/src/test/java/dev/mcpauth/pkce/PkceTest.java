package dev.mcpauth.pkce;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static dev.mcpauth.testing.OAuthAssert.assertErrorRedirect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7636 as OAuth 2.1 requires it: S256 only, on every authorization. */
class PkceTest {
  private final TestServer test = TestServer.create();
  private final TestClient client = test.registerPublic("http://localhost:8787/callback");

  @Test
  void authorizeWhenChallengeMissingThenRedirectsInvalidRequest() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.remove("code_challenge");
    params.remove("code_challenge_method");

    assertErrorRedirect(test.authorize(params), "invalid_request", "code_challenge");
  }

  @Test
  void authorizeWhenMethodPlainThenRedirectsInvalidRequest() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("code_challenge_method", "plain");

    assertErrorRedirect(test.authorize(params), "invalid_request", "S256");
  }

  @Test
  void authorizeWhenMethodOmittedThenRedirectsInvalidRequest() {
    // Omitting the method means plain (RFC 7636 §4.3), which is refused.
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.remove("code_challenge_method");

    assertErrorRedirect(test.authorize(params), "invalid_request", "S256");
  }

  @Test
  void authorizeWhenChallengeIsNotAnS256HashThenRedirectsInvalidRequest() {
    Map<String, String> params = test.authorizeParams(client, Pkce.generate());
    params.put("code_challenge", "too-short");

    assertErrorRedirect(test.authorize(params), "invalid_request", "code_challenge");
  }

  @Test
  void tokenWhenVerifierWrongThenInvalidGrant() {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    EndpointResponse response = test.exchange(client, code, Pkce.generate());

    assertError(response, 400, "invalid_grant");
  }

  @Test
  void tokenWhenVerifierWrongThenCodeIsBurned() {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);
    test.exchange(client, code, Pkce.generate());

    assertError(test.exchange(client, code, pkce), 400, "invalid_grant");
  }

  @Test
  void tokenWhenVerifierMissingThenInvalidGrant() {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    EndpointResponse response = test.token(client, Map.of(
        "grant_type", "authorization_code", "code", code, "redirect_uri", client.redirectUri()));

    assertError(response, 400, "invalid_grant");
  }

  @ParameterizedTest
  @ValueSource(ints = {42, 129})
  void tokenWhenVerifierLengthOutOfBoundsThenInvalidRequestAndCodeSurvives(int length) {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    EndpointResponse response = test.exchange(client, code, new Pkce("a".repeat(length), pkce.challenge()));

    assertError(response, 400, "invalid_request");
    assertThat(test.exchange(client, code, pkce).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(ints = {43, 128})
  void tokenWhenVerifierAtLengthBoundsThenAccepted(int length) {
    String verifier = "A".repeat(length - 1) + "~";
    Pkce pkce = new Pkce(verifier, com.nimbusds.oauth2.sdk.pkce.CodeChallenge.compute(
        com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod.S256,
        new com.nimbusds.oauth2.sdk.pkce.CodeVerifier(verifier)).getValue());
    String code = test.code(client, pkce);

    assertThat(test.exchange(client, code, pkce).status()).isEqualTo(200);
  }

  @Test
  void tokenWhenVerifierHasIllegalCharactersThenInvalidRequest() {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    EndpointResponse response = test.exchange(client, code, new Pkce("!".repeat(50), pkce.challenge()));

    assertError(response, 400, "invalid_request");
  }
}
