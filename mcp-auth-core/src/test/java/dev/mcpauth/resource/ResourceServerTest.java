package dev.mcpauth.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jose.util.Base64URL;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Resource-server mode against an issuer over real HTTP: JWT verification, discovery, limits. */
public class ResourceServerTest {
  static final String RESOURCE = "https://mcp.example.com/mcp";

  private final RSAKey rsa = rsa("rsa-1");
  private TestIssuer issuer;

  @AfterEach
  void stopIssuer() {
    if (issuer != null) {
      issuer.close();
    }
  }

  @Test
  void verifyWhenSignedByPublishedKeyThenAcceptedWithMappedIdentityAndClaims() throws Exception {
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()));
    VerifiedToken token = verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("azp", "claude", "tenant", "acme")));

    assertThat(token.subject()).isEqualTo("alice");
    assertThat(token.clientId()).isEqualTo("claude");
    assertThat(token.scopes()).containsExactly("mcp:read");
    assertThat(token.audience()).isEqualTo(RESOURCE);
    assertThat(token.issuer()).isEqualTo(issuer.issuer());
    assertThat(token.grantId()).isNull();
    assertThat(token.claims()).containsEntry("tenant", "acme");
  }

  @Test
  void verifyWhenClientCredentialsTokenOfAnExternalIssuerThenAcceptedAsTheClientsOwn() throws Exception {
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()));

    VerifiedToken rfc9068 = verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("sub", "build-bot", "client_id", "build-bot")));
    VerifiedToken auth0 = verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256,
        Map.of("sub", "build-bot@clients", "azp", "build-bot", "gty", "client-credentials")));
    VerifiedToken user = verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("azp", "claude")));

    assertThat(rfc9068.isClientToken()).isTrue();
    assertThat(rfc9068.subject()).isEqualTo("build-bot");
    assertThat(auth0.isClientToken()).isTrue();
    assertThat(user.isClientToken()).isFalse();
  }

  static Stream<Arguments> algorithms() {
    return Stream.of(
        Arguments.of(JWSAlgorithm.RS256, rsa("k")), Arguments.of(JWSAlgorithm.PS256, rsa("k")),
        Arguments.of(JWSAlgorithm.RS512, rsa("k")), Arguments.of(JWSAlgorithm.ES256, ec(Curve.P_256)),
        Arguments.of(JWSAlgorithm.ES384, ec(Curve.P_384)), Arguments.of(JWSAlgorithm.ES512, ec(Curve.P_521)));
  }

  @ParameterizedTest
  @MethodSource("algorithms")
  void verifyWhenSignedWithAnAsymmetricAlgorithmThenAccepted(JWSAlgorithm algorithm, JWK key) throws Exception {
    TokenVerifier verifier = verifier(issuer("").publish(key.toPublicJWK()));
    assertThat(verifier.verify(issuer.sign(key, algorithm, Map.of())).subject()).isEqualTo("alice");
  }

  @Test
  void verifyWhenAlgNoneOrHmacWithThePublicKeyThenRefused() throws Exception {
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()));
    JWTClaimsSet claims = SignedJWT.parse(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of())).getJWTClaimsSet();
    String unsigned = new PlainJWT(new PlainHeader(), claims).serialize();
    // The classic confusion: HMAC keyed with the public key the issuer publishes.
    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(), claims);
    hmac.sign(new MACSigner(rsa.toPublicKey().getEncoded()));

    assertInvalid(verifier, unsigned);
    assertInvalid(verifier, hmac.serialize());
  }

  @Test
  void verifyWhenEdDsaThenRefusedAsUnverifiable() throws Exception {
    // Made by hand: signing Ed25519 with Nimbus needs Tink, which this project does not ship.
    Base64URL x = Base64URL.encode(new byte[32]);
    OctetKeyPair ed = OctetKeyPair.parse("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"ed-1\",\"x\":\"" + x + "\"}");
    TokenVerifier verifier = verifier(issuer("").publish(ed));
    String claims = SignedJWT.parse(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of())).getPayload().toBase64URL().toString();
    String token = Base64URL.encode("{\"alg\":\"EdDSA\",\"kid\":\"ed-1\"}") + "." + claims + "." + Base64URL.encode(new byte[64]);
    assertInvalid(verifier, token);
  }

  @Test
  void verifyWhenAudienceIsAnArrayThenOneEntryMustBeTheResource() throws Exception {
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()));
    assertThat(verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("aud", List.of("account", RESOURCE)))).audience())
        .isEqualTo(RESOURCE);
    assertInvalid(verifier, issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("aud", List.of("account", RESOURCE + "/other"))),
        "another resource");
    assertInvalid(verifier, issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("aud", "https://evil.example/mcp")), "another resource");
  }

  @Test
  void verifyWhenAcceptedAudienceAliasThenAcceptedAsTheResource() throws Exception {
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()), b -> b.acceptAudience("api-client-guid"));
    assertThat(verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("aud", "api-client-guid"))).audience())
        .isEqualTo(RESOURCE);
  }

  @Test
  void verifyWhenIssuerTimesOrTypeAreWrongThenRefused() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()), b -> b.clock(clock));
    Date inTenMinutes = Date.from(Instant.now().plusSeconds(600));

    assertInvalid(verifier, issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("iss", "https://other.example")), "another server");
    assertInvalid(verifier, issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("nbf", inTenMinutes)), "not valid yet");
    SignedJWT logout = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID())
        .type(new JOSEObjectType("logout+jwt")).build(), SignedJWT.parse(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of())).getJWTClaimsSet());
    logout.sign(new com.nimbusds.jose.crypto.RSASSASigner(rsa));
    assertInvalid(verifier, logout.serialize());

    String token = issuer.sign(rsa, JWSAlgorithm.RS256, Map.of()); // expires in 300 s
    assertThat(verifier.verify(token).subject()).isEqualTo("alice");
    clock.advance(Duration.ofSeconds(300 + 31)); // past exp and the 30 s skew: the cached result goes too
    assertInvalid(verifier, token, "expired");
  }

  @Test
  void verifyWhenTokenNamesAnUnknownKeyThenKeysAreFetchedAgainOnceAndRotationWorks() throws Exception {
    RSAKey next = rsa("rsa-2");
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()), b -> b.jwksRefreshMinInterval(Duration.ofMillis(100)));
    verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of()));
    assertThat(issuer.hits("/jwks")).isEqualTo(1);

    issuer.publish(rsa.toPublicJWK(), next.toPublicJWK()); // the issuer rotates
    assertThat(verifier.verify(issuer.sign(next, JWSAlgorithm.RS256, Map.of())).subject()).isEqualTo("alice");
    assertThat(issuer.hits("/jwks")).isEqualTo(2);
    verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("jti", "another")));
    assertThat(issuer.hits("/jwks")).as("both keys cached now").isEqualTo(2);
  }

  @Test
  void verifyWhenGarbageKeyIdsArriveThenInvalidTokenAndTheIssuerIsNotHammered() throws Exception {
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()));
    for (int i = 0; i < 50; i++) {
      RSAKey unknown = new RSAKey.Builder(rsa).keyID("garbage-" + i).build();
      String token = issuer.sign(unknown, JWSAlgorithm.RS256, Map.of());
      // The keys were fetched fine and lack this one, refetched or not (rate limit): a bad token, not an
      // outage, so the client gets a new token instead of retrying this one.
      assertInvalid(verifier, token, "does not publish");
    }
    // Nimbus's rate limit: at most two fetches per 30 s interval, the first one included.
    assertThat(issuer.hits("/jwks")).isLessThanOrEqualTo(2);
  }

  @Test
  void verifyWhenTheKeysCannotBeFetchedAgainForAnUnknownKeyThen503UntilTheyCan() throws Exception {
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()), b -> b.jwksRefreshMinInterval(Duration.ofMillis(100)));
    verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of()));
    RSAKey next = rsa("rsa-2");
    String token = issuer.sign(next, JWSAlgorithm.RS256, Map.of());
    issuer.jwksBody("<html>maintenance</html>"); // the issuer is rotating, and its JWKS is down meanwhile

    // The refetch failed: whether rsa-2 exists is unknown, so 503, never invalid_token.
    assertThat(catchOAuth(() -> verifier.verify(token)).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(catchOAuth(() -> verifier.verify(token)).code()).as("rate-limited now, still after a failed fetch")
        .isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of("jti", "known")))).as("known keys still work")
        .isNotNull();

    issuer.jwksBody(null).publish(rsa.toPublicJWK(), next.toPublicJWK());
    Thread.sleep(250); // past the rate limit interval
    assertThat(verifier.verify(token).subject()).isEqualTo("alice");
  }

  @Test
  void verifyWhenKeysCannotBeFetchedThen503AfterTheReadTimeoutNeverAcceptance() throws Exception {
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()).jwksDelay(20_000),
        b -> b.timeouts(Duration.ofMillis(500), Duration.ofMillis(500)));
    String token = issuer.sign(rsa, JWSAlgorithm.RS256, Map.of());
    OAuthException refused = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> catchOAuth(() -> verifier.verify(token)));
    assertThat(refused.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
  }

  @Test
  void verifyWhenJwksIsBrokenThen503AndRecoveredOnceItIsFixed() throws Exception {
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()).jwksBody("<html>maintenance</html>"),
        b -> b.jwksRefreshMinInterval(Duration.ofMillis(100)));
    String token = issuer.sign(rsa, JWSAlgorithm.RS256, Map.of());
    assertThat(catchOAuth(() -> verifier.verify(token)).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    issuer.jwksBody(null);
    assertThat(verifier.verify(token).subject()).isEqualTo("alice");
  }

  @Test
  void discoveryWhenIssuerHangsThenOtherRequestsGet503WithinTheWaitInsteadOfHanging() throws Exception {
    issuer("").publish(rsa.toPublicJWK()).metadataDelay(20_000);
    TokenVerifier verifier = verifier(issuer, b -> b.timeouts(Duration.ofMillis(500), Duration.ofSeconds(30)));
    String token = issuer.sign(rsa, JWSAlgorithm.RS256, Map.of());
    Thread first = new Thread(() -> catchOAuth(() -> verifier.verify(token)));
    first.setDaemon(true);
    first.start();
    while (issuer.hits("/.well-known/oauth-authorization-server") == 0) {
      Thread.onSpinWait();
    }
    OAuthException second = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> catchOAuth(() -> verifier.verify(token)));
    assertThat(second.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
  }

  @Test
  void discoveryWhenIssuerHasAPathThenProbesInTheMcpOrderAndFindsTheOpenIdDocument() throws Exception {
    issuer = new TestIssuer("/realms/mcp");
    issuer.metadataAt("/realms/mcp/.well-known/openid-configuration").publish(rsa.toPublicJWK());
    assertThat(dev.mcpauth.internal.IssuerDiscovery.metadataUrls(issuer.issuer())).extracting(java.net.URI::getPath).containsExactly(
        "/.well-known/oauth-authorization-server/realms/mcp",
        "/.well-known/openid-configuration/realms/mcp",
        "/realms/mcp/.well-known/openid-configuration");
    TokenVerifier verifier = verifier(issuer);

    assertThat(verifier.verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of())).issuer()).isEqualTo(issuer.issuer());
    assertThat(issuer.hits("/.well-known/oauth-authorization-server/realms/mcp")).isEqualTo(1);
    assertThat(issuer.hits("/.well-known/openid-configuration/realms/mcp")).isEqualTo(1);
    assertThat(issuer.hits("/realms/mcp/.well-known/openid-configuration")).isEqualTo(1);
  }

  @Test
  void discoveryWhenMetadataNamesAnotherIssuerThenNothingIsAccepted() throws Exception {
    issuer("").namingIssuer("https://attacker.example").publish(rsa.toPublicJWK());
    ResourceServer server = resourceServer(issuer, UnaryOperator.identity());
    assertThat(server.discover()).isFalse();
    OAuthException refused = catchOAuth(() -> server.verifier().verify(issuer.sign(rsa, JWSAlgorithm.RS256, Map.of())));
    assertThat(refused.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
  }

  @Test
  void discoveryWhenIssuerUnreachableThen503AndRetriedOnlyAfterTheInterval() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    issuer("").metadataAt("/nowhere").publish(rsa.toPublicJWK());
    ResourceServer server = resourceServer(issuer, b -> b.clock(clock));
    String token = issuer.sign(rsa, JWSAlgorithm.RS256, Map.of());
    assertThat(catchOAuth(() -> server.verifier().verify(token)).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(catchOAuth(() -> server.verifier().verify(token)).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(issuer.hits("/.well-known/oauth-authorization-server")).as("no retry within 10 s").isEqualTo(1);

    issuer.metadataAt("/.well-known/oauth-authorization-server"); // the issuer is back
    clock.advance(Duration.ofSeconds(11));
    assertThat(server.verifier().verify(token).subject()).isEqualTo("alice");
  }

  @Test
  void protectedResourceMetadataWhenReadThenNamesTheExternalIssuer() throws Exception {
    ResourceServer server = resourceServer(issuer(""), b -> b.scopes("mcp:read", "offline_access").resourceName("Files"));
    assertThat(server.protectedResourceMetadata().body())
        .isEqualTo("{\"resource\":\"" + RESOURCE + "\",\"authorization_servers\":[\"" + issuer.issuer() + "\"],"
            + "\"scopes_supported\":[\"mcp:read\"],\"bearer_methods_supported\":[\"header\"],\"resource_name\":\"Files\"}");
  }

  @Test
  void buildWhenMisconfiguredThenEveryProblemIsNamed() {
    assertThatThrownBy(() -> ResourceServer.builder().issuer("http://id.example.com").resource("mcp")
        .introspection("rs", null).clockSkew(Duration.ofHours(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("issuer must be https")
        .hasMessageContaining("resource must be an absolute URL")
        .hasMessageContaining("introspection needs both")
        .hasMessageContaining("clockSkew");
  }

  @Test
  void toStringAndErrorsWhenIntrospectingThenNeverShowSecretOrToken() throws Exception {
    ResourceServer server = resourceServer(issuer("").introspection(401, t -> "{\"error\":\"invalid_client\"}"),
        b -> b.introspection("rs", "s3cret-value"));
    assertThat(server.toString()).doesNotContain("s3cret-value");
    OAuthException refused = catchOAuth(() -> server.verifier().verify("opaque-token-value"));
    assertThat(refused.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(refused.getMessage() + refused.internalDetail()).doesNotContain("s3cret-value").doesNotContain("opaque-token-value")
        .contains("401");
  }

  private TestIssuer issuer(String path) throws Exception {
    issuer = new TestIssuer(path);
    return issuer;
  }

  private static TokenVerifier verifier(TestIssuer issuer) {
    return resourceServer(issuer, UnaryOperator.identity()).verifier();
  }

  private static TokenVerifier verifier(TestIssuer issuer, UnaryOperator<ResourceServer.Builder> tuning) {
    return resourceServer(issuer, tuning).verifier();
  }

  static ResourceServer resourceServer(TestIssuer issuer, UnaryOperator<ResourceServer.Builder> tuning) {
    return tuning.apply(ResourceServer.builder().issuer(issuer.issuer()).resource(RESOURCE)).build();
  }

  static OAuthException catchOAuth(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(thrown).isInstanceOf(OAuthException.class);
    return (OAuthException) thrown;
  }

  private static void assertInvalid(TokenVerifier verifier, String token, String... descriptionParts) {
    OAuthException refused = catchOAuth(() -> verifier.verify(token));
    assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_TOKEN);
    for (String part : descriptionParts) {
      assertThat(refused.description()).contains(part);
    }
    assertThat(refused.description()).doesNotContain(token);
  }

  public static RSAKey rsa(String keyId) {
    try {
      return new RSAKeyGenerator(2048).keyID(keyId).keyUse(KeyUse.SIGNATURE).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ECKey ec(Curve curve) {
    try {
      return new ECKeyGenerator(curve).keyID("ec-" + curve.getName()).keyUse(KeyUse.SIGNATURE).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void verifyWhenHeaderIsJsonNullThenInvalidToken() throws Exception {
    // Found by ResourceServerTokenFuzzTest: Nimbus threw a NullPointerException, out of verify().
    TokenVerifier verifier = verifier(issuer("").publish(rsa.toPublicJWK()));

    assertInvalid(verifier, "bnVsbA.e30.c2ln", "malformed"); // the header is base64url of "null"
  }
}
