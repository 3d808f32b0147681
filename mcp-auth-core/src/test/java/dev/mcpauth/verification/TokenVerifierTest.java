package dev.mcpauth.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpauth.OAuthException;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.token.SigningKey;
import dev.mcpauth.token.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** RFC 9068 access token validation (§4) and the verification cache. */
class TokenVerifierTest {
  private final ECKey jwk = generate();
  private final TestServer test = TestServer.create(builder -> builder.signingKey(SigningKey.fromJwk(jwk.toJSONString())));
  private final TestClient client = test.registerPublic("https://app.example.com/cb");
  private final TokenVerifier verifier = test.server.verifier(TestServer.RESOURCE);

  @Test
  void verifyWhenTokenIssuedHereThenAccepted() {
    assertThat(verifier.verify(test.tokens(client).accessToken()).clientId()).isEqualTo(client.clientId());
  }

  @Test
  void verifyWhenPayloadTamperedThenInvalidSignature() throws Exception {
    String token = test.tokens(client).accessToken();
    String[] parts = token.split("\\.");
    JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
    JWTClaimsSet widened = new JWTClaimsSet.Builder(claims).claim("scope", "mcp:read mcp:write").build();
    String forged = parts[0] + "." + com.nimbusds.jose.util.Base64URL.encode(widened.toString()) + "." + parts[2];

    assertInvalid(forged, "signature");
  }

  @Test
  void verifyWhenAlgNoneThenRefused() throws Exception {
    JWTClaimsSet claims = SignedJWT.parse(test.tokens(client).accessToken()).getJWTClaimsSet();
    String unsigned = new PlainJWT(new PlainHeader.Builder().type(new JOSEObjectType("at+jwt")).build(), claims).serialize();

    assertInvalid(unsigned, "");
  }

  @Test
  void verifyWhenHmacSignedWithThePublicKeyThenRefused() throws Exception {
    SignedJWT real = SignedJWT.parse(test.tokens(client).accessToken());
    byte[] publicKeyAsSecret = jwk.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    SignedJWT forged = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt")).keyID(jwk.getKeyID()).build(),
        real.getJWTClaimsSet());
    forged.sign(new MACSigner(publicKeyAsSecret));

    assertInvalid(forged.serialize(), "signature");
  }

  @Test
  void verifyWhenSignedByAnotherKeyWithSameKidThenRefused() throws Exception {
    ECKey other = new ECKeyGenerator(Curve.P_256).keyID(jwk.getKeyID()).generate();
    assertInvalid(sign(other, header -> {}, claims -> {}), "signature");
  }

  @Test
  void verifyWhenTypIsPlainJwtThenRefused() throws Exception {
    assertInvalid(sign(jwk, header -> header.type(JOSEObjectType.JWT), claims -> {}), "at+jwt");
  }

  @Test
  void verifyWhenTypIsApplicationAtJwtThenAccepted() throws Exception {
    String token = sign(jwk, header -> header.type(new JOSEObjectType("application/at+jwt")), claims -> {});
    assertThat(verifier.verify(token).subject()).isEqualTo("alice");
  }

  @Test
  void verifyWhenIssuerDiffersThenRefused() throws Exception {
    assertInvalid(sign(jwk, header -> {}, claims -> claims.issuer("https://evil.example.com")), "another server");
  }

  @Test
  void verifyWhenAudienceIsArrayContainingResourceThenAccepted() throws Exception {
    String token = sign(jwk, header -> {}, claims -> claims.audience(List.of("https://x.example.com", TestServer.RESOURCE)));
    assertThat(verifier.verify(token).audience()).isEqualTo(TestServer.RESOURCE);
  }

  @Test
  void verifyWhenAudienceMissingThenRefused() throws Exception {
    assertInvalid(sign(jwk, header -> {}, claims -> claims.audience((String) null)), "audience");
  }

  @Test
  void verifyWhenExpiryMissingThenRefused() throws Exception {
    assertInvalid(sign(jwk, header -> {}, claims -> claims.expirationTime(null)), "expired");
  }

  @Test
  void verifyWhenIssuedInTheFutureThenRefused() throws Exception {
    Date future = Date.from(test.clock.instant().plus(Duration.ofMinutes(5)));
    assertInvalid(sign(jwk, header -> {}, claims -> claims.issueTime(future)), "future");
  }

  @Test
  void verifyWhenLifetimeLongerThanThisServerIssuesThenRefused() throws Exception {
    Date decadeLater = Date.from(test.clock.instant().plus(Duration.ofDays(3650)));
    assertInvalid(sign(jwk, header -> {}, claims -> claims.expirationTime(decadeLater)), "lifetime");
  }

  @Test
  void verifyWhenGrantClaimMissingThenRefused() throws Exception {
    assertInvalid(sign(jwk, header -> {}, claims -> claims.claim("grant_id", null)), "claims");
  }

  @Test
  void verifyWhenGarbageThenInvalidTokenWithoutEchoingIt() {
    for (String garbage : List.of("garbage", "a.b.c", "", "x".repeat(10_000), "eyJhbGciOiJFUzI1NiJ9..")) {
      assertThatThrownBy(() -> verifier.verify(garbage))
          .isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.code().code()).isEqualTo("invalid_token");
            if (!garbage.isEmpty()) {
              assertThat(e.getMessage()).doesNotContain(garbage);
            }
          });
    }
  }

  @Test
  void verifyWhenCachedAndGrantRevokedHereThenRefusedAtOnce() {
    TestServer.TokenPair tokens = test.tokens(client);
    verifier.verify(tokens.accessToken());

    test.server.revocationEndpoint().handle(EndpointRequest.form(
        "token=" + tokens.refreshToken() + "&client_id=" + client.clientId()));

    assertInvalid(tokens.accessToken(), "revoked");
  }

  @Test
  void verifyWhenRevokedOnAnotherReplicaThenRefusedWithinRevocationCheckInterval() {
    InMemoryStorage shared = new InMemoryStorage(test.clock);
    SigningKey key = SigningKey.fromJwk(jwk.toJSONString());
    TestServer replicaA = TestServer.create(b -> b.storage(shared).signingKey(key));
    TestServer replicaB = TestServer.create(b -> b.storage(shared).signingKey(key));
    TestClient c = replicaA.registerPublic("https://app.example.com/cb");
    TestServer.TokenPair tokens = replicaA.tokens(c);
    TokenVerifier onB = replicaB.server.verifier(TestServer.RESOURCE);
    onB.verify(tokens.accessToken());

    replicaA.server.revocationEndpoint().handle(EndpointRequest.form(
        "token=" + tokens.refreshToken() + "&client_id=" + c.clientId()));

    replicaB.clock.advance(Duration.ofSeconds(29));
    assertThat(onB.verify(tokens.accessToken()).subject()).as("cached on B within the interval").isEqualTo("alice");
    replicaB.clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> onB.verify(tokens.accessToken())).isInstanceOf(OAuthException.class);
  }

  @Test
  void verifyWhenKeyRotatedThenOldTokensValidUntilRetiredKeyLapses() {
    SigningKey oldKey = SigningKey.fromJwk(jwk.toJSONString());
    InMemoryStorage shared = new InMemoryStorage(test.clock);
    TestServer before = TestServer.create(b -> b.storage(shared).signingKey(oldKey));
    TestClient c = before.registerPublic("https://app.example.com/cb");
    String tokenFromOldKey = before.tokens(c).accessToken();
    SigningKey newKey = SigningKey.generate();
    TestServer after = TestServer.create(b -> b.storage(shared).signingKey(newKey)
        .retiredSigningKey(oldKey, before.clock.instant()));

    assertThat(Json.parse(after.server.jwks().body()).get("keys")).hasSize(2);
    assertThat(after.server.verifier(TestServer.RESOURCE).verify(tokenFromOldKey).clientId()).isEqualTo(c.clientId());
    assertThat(after.server.verifier(TestServer.RESOURCE).verify(after.tokens(after.registerPublic("https://a.example.com/cb")).accessToken()))
        .isNotNull();

    after.clock.advance(Duration.ofHours(1));
    assertThat(Json.parse(after.server.jwks().body()).get("keys")).hasSize(1);
    assertThat(Json.parse(after.server.jwks().body()).get("keys").get(0).get("kid").asText()).isEqualTo(newKey.keyId());
    assertThatThrownBy(() -> after.server.verifier(TestServer.RESOURCE).verify(tokenFromOldKey))
        .isInstanceOf(OAuthException.class);
  }

  @Test
  void verifyWhenRetiredKeySignedAfterItsRetirementThenRefusedAndItsEarlierTokensStillAccepted() throws Exception {
    Rotation rotation = rotate();
    assertThat(rotation.verifier().verify(rotation.oldToken()).subject()).as("signed before retirement").isEqualTo("alice");

    // Whoever holds the retired key signs a fresh token: iat after the configured retirement.
    String fresh = resign(jwk, rotation.oldToken(), claims -> claims.jwtID("fresh")
        .issueTime(Date.from(rotation.server().clock.instant())));

    assertInvalid(rotation.verifier(), fresh, "after its signing key was retired");
  }

  @Test
  void verifyWhenClaimsDifferFromTheStoredGrantThenRefusedWhateverKeySigned() throws Exception {
    Rotation rotation = rotate();
    // Backdated before the retirement, naming alice's grant, but claiming more than it holds.
    String root = resign(jwk, rotation.oldToken(), claims -> claims.jwtID("root").subject("root")
        .claim("scope", "mcp:read mcp:write"));
    String wider = resign(jwk, rotation.oldToken(), claims -> claims.jwtID("wider").claim("scope", "mcp:read mcp:write"));
    String otherClient = resign(jwk, rotation.oldToken(), claims -> claims.jwtID("client").claim("client_id", "other"));

    assertInvalid(rotation.verifier(), root, "does not match its grant");
    assertInvalid(rotation.verifier(), wider, "does not match its grant");
    assertInvalid(rotation.verifier(), otherClient, "does not match its grant");
    // The active key's own tokens are held to their grant the same way.
    assertInvalid(verifier, sign(jwk, header -> {}, claims -> claims.subject("root")), "does not match its grant");
  }

  @Test
  void verifyWhenRetiredKeySignsForAGrantMadeAfterItsRetirementThenRefused() throws Exception {
    Rotation rotation = rotate();
    TestClient c = rotation.server().registerPublic("https://b.example.com/cb");
    String newToken = rotation.server().tokens(c).accessToken(); // signed by the new key, for a new grant
    // A backdated iat (before the retirement) cannot name a grant that did not exist yet.
    String backdated = resign(jwk, newToken, claims -> claims.jwtID("backdated")
        .issueTime(Date.from(rotation.retiredAt().minusSeconds(30)))
        .expirationTime(Date.from(rotation.retiredAt().plus(Duration.ofMinutes(50)))));

    assertThat(rotation.verifier().verify(newToken).subject()).isEqualTo("alice");
    assertInvalid(rotation.verifier(), backdated, "does not match its grant");
  }

  /** The old key ({@link #jwk}) signed alice's token and was retired then; two minutes pass. */
  private Rotation rotate() {
    SigningKey oldKey = SigningKey.fromJwk(jwk.toJSONString());
    InMemoryStorage shared = new InMemoryStorage(test.clock);
    TestServer before = TestServer.create(b -> b.storage(shared).signingKey(oldKey));
    String oldToken = before.tokens(before.registerPublic("https://app.example.com/cb")).accessToken();
    Instant retiredAt = before.clock.instant();
    TestServer after = TestServer.create(b -> b.storage(shared).signingKey(SigningKey.generate())
        .retiredSigningKey(oldKey, retiredAt));
    after.clock.advance(Duration.ofMinutes(2));
    return new Rotation(after, after.server.verifier(TestServer.RESOURCE), oldToken, retiredAt);
  }

  private record Rotation(TestServer server, TokenVerifier verifier, String oldToken, Instant retiredAt) {}

  /** {@code token}'s claims, adjusted, signed by {@code key} under its kid. */
  private static String resign(ECKey key, String token, Consumer<JWTClaimsSet.Builder> claims) throws Exception {
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder(SignedJWT.parse(token).getJWTClaimsSet());
    claims.accept(builder);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("at+jwt"))
        .keyID(key.getKeyID()).build(), builder.build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  @Test
  void jwksWhenServedThenHasOnlyPublicKeyMaterial() {
    var key = Json.parse(test.server.jwks().body()).get("keys").get(0);
    assertThat(key.get("kty").asText()).isEqualTo("EC");
    assertThat(key.get("alg").asText()).isEqualTo("ES256");
    assertThat(key.get("use").asText()).isEqualTo("sig");
    assertThat(key.has("d")).isFalse();
  }

  private void assertInvalid(String token, String descriptionPart) {
    assertInvalid(verifier, token, descriptionPart);
  }

  private static void assertInvalid(TokenVerifier verifier, String token, String descriptionPart) {
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOfSatisfying(OAuthException.class, e -> {
          assertThat(e.code().code()).isEqualTo("invalid_token");
          assertThat(e.httpStatus()).isEqualTo(401);
          assertThat(e.description()).contains(descriptionPart);
        });
  }

  /** A token with valid claims for this server, signed by {@code key}, then adjusted. */
  private String sign(ECKey key, Consumer<JWSHeader.Builder> header, Consumer<JWTClaimsSet.Builder> claims) throws Exception {
    JWTClaimsSet real = SignedJWT.parse(test.tokens(client).accessToken()).getJWTClaimsSet();
    JWTClaimsSet.Builder claimsBuilder = new JWTClaimsSet.Builder(real);
    claims.accept(claimsBuilder);
    JWSHeader.Builder headerBuilder = new JWSHeader.Builder(JWSAlgorithm.ES256)
        .type(new JOSEObjectType("at+jwt")).keyID(jwk.getKeyID());
    header.accept(headerBuilder);
    SignedJWT jwt = new SignedJWT(headerBuilder.build(), claimsBuilder.build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static ECKey generate() {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID("test-key").generate();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void verifyWhenHeaderIsJsonNullThenInvalidToken() {
    // Found at the resource-server verifier by ResourceServerTokenFuzzTest; here too, Nimbus threw a
    // NullPointerException out of verify().
    String nullHeader = "bnVsbA"; // base64url of "null"

    assertInvalid(nullHeader + ".e30.c2ln", "malformed");
  }
}
