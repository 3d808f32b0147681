package dev.mcpauth.clientid;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code private_key_jwt} (RFC 7523 §2.2) for a dynamically registered client with {@code jwks}: the
 * assertion must be signed by the client's key with an asymmetric algorithm, name the client as
 * {@code iss} and {@code sub}, this server as {@code aud} (issuer or token endpoint), expire soon,
 * and be used once.
 */
class PrivateKeyJwtTest {
  private static final String REDIRECT = "https://app.example.com/cb";
  private final TestServer test = TestServer.create();
  private final RSAKey key = Assertions.rsaKey();
  private final String clientId = register(Assertions.jwks(key));

  private String register(String jwks) {
    EndpointResponse response = test.register("{\"redirect_uris\":[\"" + REDIRECT + "\"],"
        + "\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":" + jwks + "}");
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    JsonNode json = Json.parse(response.body());
    assertThat(json.has("client_secret")).isFalse();
    assertThat(json.get("token_endpoint_auth_method").asText()).isEqualTo("private_key_jwt");
    assertThat(json.get("jwks").toString()).doesNotContain("\"d\"");
    return json.get("client_id").asText();
  }

  private Instant soon() {
    return test.clock.instant().plus(Duration.ofMinutes(2));
  }

  /** A token request for a fresh code, authenticated with {@code assertion}. */
  private EndpointResponse exchange(String assertion) {
    return test.server.tokenEndpoint().handle(exchangeRequest(clientId, assertion));
  }

  /** A token request for a fresh code of {@code client}, with {@code assertion}. */
  private EndpointRequest exchangeRequest(String client, String assertion) {
    Pkce pkce = Pkce.generate();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", test.code(TestClient.publicClient(client, REDIRECT), pkce));
    form.put("redirect_uri", REDIRECT);
    form.put("code_verifier", pkce.verifier());
    form.put("client_assertion_type", Assertions.TYPE);
    form.put("client_assertion", assertion);
    return EndpointRequest.form(TestServer.encode(form));
  }

  @Test
  void tokenWhenAssertionSignedForTheIssuerThenTokens() {
    EndpointResponse response = exchange(Assertions.sign(key, clientId, TestServer.ISSUER, soon(), UUID.randomUUID().toString()));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(Json.parse(response.body()).has("refresh_token")).isTrue();
  }

  @Test
  void tokenWhenAssertionForTheTokenEndpointThenTokens() {
    EndpointResponse response = exchange(
        Assertions.sign(key, clientId, TestServer.ISSUER + "/token", soon(), UUID.randomUUID().toString()));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  @Test
  void tokenWhenEcKeyThenTokens() {
    ECKey ec = Assertions.ecKey();
    String ecClient = register(Assertions.jwks(ec));

    EndpointResponse response = test.server.tokenEndpoint().handle(
        exchangeRequest(ecClient, Assertions.sign(ec, ecClient, TestServer.ISSUER, soon(), UUID.randomUUID().toString())));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  @Test
  void tokenWhenAssertionReplayedThenInvalidClient() {
    String assertion = Assertions.sign(key, clientId, TestServer.ISSUER, soon(), "jti-once");
    assertThat(exchange(assertion).status()).isEqualTo(200);

    assertError(exchange(assertion), 401, "invalid_client");
    // A new assertion reusing the id is a replay too.
    assertError(exchange(Assertions.sign(key, clientId, TestServer.ISSUER, soon().plusSeconds(1), "jti-once")), 401,
        "invalid_client");
  }

  @Test
  void tokenWhenAssertionForAnotherAudienceThenInvalidClient() {
    assertError(exchange(Assertions.sign(key, clientId, "https://other.example.com", soon(), UUID.randomUUID().toString())),
        401, "invalid_client");
  }

  @Test
  void tokenWhenAssertionExpiredThenInvalidClient() {
    assertError(exchange(Assertions.sign(key, clientId, TestServer.ISSUER, test.clock.instant().minus(Duration.ofMinutes(1)),
        UUID.randomUUID().toString())), 401, "invalid_client");
  }

  @Test
  void tokenWhenAssertionExpiresFarAheadThenInvalidClient() {
    assertError(exchange(Assertions.sign(key, clientId, TestServer.ISSUER, test.clock.instant().plus(Duration.ofHours(2)),
        UUID.randomUUID().toString())), 401, "invalid_client");
  }

  @Test
  void tokenWhenAssertionHmacSignedWithThePublicKeyThenInvalidClient() {
    assertError(exchange(Assertions.signHmacWithPublicKey(key, clientId, TestServer.ISSUER, soon())), 401, "invalid_client");
  }

  @Test
  void tokenWhenAssertionSignedByAnotherKeyThenInvalidClient() {
    assertError(exchange(Assertions.sign(Assertions.rsaKey(), clientId, TestServer.ISSUER, soon(), UUID.randomUUID().toString())),
        401, "invalid_client");
  }

  @Test
  void tokenWhenAssertionIssuedInTheFutureThenInvalidClient() {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(TestServer.ISSUER)
        .expirationTime(Date.from(soon())).issueTime(Date.from(test.clock.instant().plus(Duration.ofMinutes(1))))
        .jwtID(UUID.randomUUID().toString()).build();

    assertError(exchange(Assertions.sign(key, claims)), 401, "invalid_client");
  }

  @Test
  void tokenWhenBasicSecretAndAssertionBothSentThenInvalidRequest() {
    EndpointRequest request = exchangeRequest(clientId,
        Assertions.sign(key, clientId, TestServer.ISSUER, soon(), UUID.randomUUID().toString()))
        .withHeader("Authorization", TestServer.basic(new TestClient(clientId, "whatever", "client_secret_basic", List.of())));

    assertError(test.server.tokenEndpoint().handle(request), 400, "invalid_request");
  }

  @Test
  void tokenWhenAssertionUnsignedOrGarbledThenInvalidClient() {
    String unsigned = new com.nimbusds.jwt.PlainJWT(new JWTClaimsSet.Builder().issuer(clientId).subject(clientId)
        .audience(TestServer.ISSUER).expirationTime(Date.from(soon())).jwtID(UUID.randomUUID().toString()).build()).serialize();

    assertError(exchange(unsigned), 401, "invalid_client");
    assertError(exchange("not.a.jwt"), 401, "invalid_client");
  }

  @Test
  void tokenWhenAssertionWithoutJtiThenInvalidClient() {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(TestServer.ISSUER)
        .expirationTime(Date.from(soon())).build();

    assertError(exchange(Assertions.sign(key, claims)), 401, "invalid_client");
  }

  @Test
  void tokenWhenAssertionIssuerIsAnotherClientThenInvalidClient() {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("someone-else").subject(clientId).audience(TestServer.ISSUER)
        .expirationTime(Date.from(soon())).jwtID(UUID.randomUUID().toString()).build();

    EndpointResponse response = exchange(Assertions.sign(key, claims));

    assertThat(response.status()).isIn(400, 401);
    assertThat(Json.parse(response.body()).get("error").asText()).isIn("invalid_client", "invalid_request");
  }

  @Test
  void tokenWhenPrivateKeyJwtClientSendsNoAssertionThenInvalidClient() {
    TestClient client = TestClient.publicClient(clientId, REDIRECT);
    Pkce pkce = Pkce.generate();

    assertError(test.exchange(client, test.code(client, pkce), pkce), 401, "invalid_client");
  }

  @Test
  void registrationWhenPrivateKeyJwtWithoutKeysOrWithSymmetricKeyThenInvalidClientMetadata() {
    assertError(test.register("{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"private_key_jwt\"}"),
        400, "invalid_client_metadata");
    assertError(test.register("{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"private_key_jwt\","
        + "\"jwks\":{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0\"}]}}"), 400, "invalid_client_metadata");
    assertError(test.register("{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"private_key_jwt\","
        + "\"jwks\":" + Assertions.jwks(key) + ",\"jwks_uri\":\"https://app.example.com/jwks\"}"), 400, "invalid_client_metadata");
    assertError(test.register("{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"private_key_jwt\","
        + "\"jwks_uri\":\"http://app.example.com/jwks\"}"), 400, "invalid_client_metadata");
    assertError(test.register("{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"private_key_jwt\","
        + "\"jwks_uri\":\"https://app.example.com:70000/jwks\"}"), 400, "invalid_client_metadata");
    assertError(test.register("{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"private_key_jwt\","
        + "\"jwks\":{\"keys\":[{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"AQ\"}]}}"), 400, "invalid_client_metadata");
  }

  @Test
  void registrationWhenJwksHoldsAPrivateKeyThenOnlyThePublicPartIsKept() {
    String withPrivate = register("{\"keys\":[" + key.toJSONString() + "]}");

    assertThat(withPrivate).isNotBlank(); // register() asserts the echoed jwks has no private part
  }

  @Test
  void revocationWhenAuthenticatedByAssertionThenRefreshTokenRevoked() {
    EndpointResponse tokens = exchange(Assertions.sign(key, clientId, TestServer.ISSUER, soon(), UUID.randomUUID().toString()));
    String refresh = Json.parse(tokens.body()).get("refresh_token").asText();

    EndpointResponse revoked = test.server.revocationEndpoint().handle(EndpointRequest.form(TestServer.encode(
        withAssertion(Map.of("token", refresh)))));

    assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
    EndpointResponse refreshed = test.server.tokenEndpoint().handle(EndpointRequest.form(TestServer.encode(
        withAssertion(Map.of("grant_type", "refresh_token", "refresh_token", refresh)))));
    assertError(refreshed, 400, "invalid_grant");
  }

  private Map<String, String> withAssertion(Map<String, String> params) {
    Map<String, String> form = new LinkedHashMap<>(params);
    form.put("client_assertion_type", Assertions.TYPE);
    form.put("client_assertion", Assertions.sign(key, clientId, TestServer.ISSUER, soon(), UUID.randomUUID().toString()));
    return form;
  }
}
