package dev.mcpauth.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.mcpauth.OAuthException;
import dev.mcpauth.resource.ResourceServer;
import dev.mcpauth.resource.TestIssuer;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bearer tokens at the resource-server verifier ({@code JwtVerifier}) of an external issuer that
 * publishes its JWKS over HTTP on loopback (the only connections this test allows): any string, or
 * a JWS signed with the issuer's key whose header or claims the fuzzer writes or changes. {@code
 * verify} accepts or throws an {@link OAuthException} that is not a server error.
 */
class ResourceServerTokenFuzzTest {
  private static final String RESOURCE = "https://mcp.example.com/mcp";
  private static final String[] CLAIMS = {"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope",
      "scp", "azp"};
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestIssuer issuer;
  private static ECKey key;
  private static TokenVerifier verifier;

  @FuzzTest(maxDuration = "4s")
  void resourceServerToken(FuzzedDataProvider data) throws Exception {
    if (verifier == null) {
      start();
    }
    allowLoopbackIssuer();
    String token = switch (data.consumeInt(0, 2)) {
      case 0 -> data.consumeRemainingAsString();
      case 1 -> FuzzServer.sign(key, data.consumeString(200), data.consumeRemainingAsString());
      default -> {
        Map<String, Object> claims = valid();
        int changes = data.consumeInt(0, 3);
        for (int i = 0; i < changes; i++) {
          String name = CLAIMS[data.consumeInt(0, CLAIMS.length - 1)];
          switch (data.consumeInt(0, 4)) {
            case 0 -> claims.remove(name);
            case 1 -> claims.put(name, data.consumeString(60));
            case 2 -> claims.put(name, data.consumeLong());
            case 3 -> claims.put(name, List.of(data.consumeString(60), data.consumeString(60)));
            default -> claims.put(name, data.consumeBoolean() ? null : Map.of(data.consumeString(10), data.consumeString(30)));
          }
        }
        String header = data.consumeBoolean() ? "{\"alg\":\"ES256\",\"kid\":\"issuer-key\",\"typ\":\"at+jwt\"}"
            : "{\"alg\":\"ES256\"" + data.consumeRemainingAsString() + "}";
        yield FuzzServer.sign(key, header, JSON.writeValueAsString(claims));
      }
    };
    VerifiedToken verified;
    try {
      verified = verifier.verify(token);
    } catch (OAuthException e) {
      if (e.httpStatus() >= 500) {
        throw new AssertionError("verify answered " + e.code() + " (" + e.internalDetail() + ")", e);
      }
      return;
    }
    if (!issuer.issuer().equals(verified.issuer())) {
      throw new AssertionError("accepted a token from " + verified.issuer());
    }
  }

  private static void start() throws IOException, JOSEException {
    key = new ECKeyGenerator(Curve.P_256).keyID("issuer-key").generate();
    issuer = new TestIssuer("").publish(key.toPublicJWK());
    allowLoopbackIssuer();
    verifier = ResourceServer.builder().issuer(issuer.issuer()).resource(RESOURCE).build().verifier();
  }

  /** Discovery and the JWKS go to the test issuer on loopback; any other connection is a finding. */
  private static void allowLoopbackIssuer() {
    int port = URI.create(issuer.issuer()).getPort();
    BugDetectors.allowNetworkConnections((host, p) -> p == port
        && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1")));
  }

  private static Map<String, Object> valid() throws JsonProcessingException {
    Map<String, Object> claims = new LinkedHashMap<>();
    long now = Instant.now().getEpochSecond();
    claims.put("iss", issuer.issuer());
    claims.put("sub", "alice");
    claims.put("aud", RESOURCE);
    claims.put("client_id", "app");
    claims.put("scope", "mcp:read");
    claims.put("exp", now + 300);
    claims.put("iat", now);
    claims.put("jti", Long.toString(System.nanoTime()));
    return claims;
  }
}
