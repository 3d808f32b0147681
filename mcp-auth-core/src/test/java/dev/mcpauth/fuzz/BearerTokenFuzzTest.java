package dev.mcpauth.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.OAuthException;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bearer tokens at the embedded server's verifier, as the filter passes them: any string, or a JWS
 * whose header and claims the fuzzer writes, signed with the server's own key so that the claim
 * checks are reached. {@code verify} either accepts or throws {@link OAuthException}; what it accepts
 * is for this resource, this issuer and a known client.
 */
class BearerTokenFuzzTest {
  private static FuzzServer fuzz;
  private static TokenVerifier verifier;
  /** The claims of a token the server issued, for inputs that change one of them. */
  private static Map<String, Object> issuedClaims;
  private static String issuedHeader;
  private static final String[] CLAIMS = {"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope",
      "grant_id", "client_token", "cnf", "act"};
  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest(maxDuration = "4s")
  void bearerToken(FuzzedDataProvider data) {
    if (fuzz == null) {
      fuzz = new FuzzServer();
      verifier = fuzz.test.server.verifier(TestServer.RESOURCE);
      String issued = fuzz.test.tokens(TestClient.publicClient(FuzzServer.PUBLIC_CLIENT, FuzzServer.REDIRECT)).accessToken();
      issuedHeader = new String(Base64.getUrlDecoder().decode(issued.split("\\.")[0]), StandardCharsets.UTF_8);
      issuedClaims = read(new String(Base64.getUrlDecoder().decode(issued.split("\\.")[1]), StandardCharsets.UTF_8));
    }
    String token = switch (data.consumeInt(0, 3)) {
      case 3 -> {
        Map<String, Object> claims = new LinkedHashMap<>(issuedClaims);
        int changes = data.consumeInt(1, 3);
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
        yield FuzzServer.sign(fuzz.serverKey, issuedHeader, write(claims));
      }
      case 0 -> data.consumeRemainingAsString();
      case 1 -> FuzzServer.sign(fuzz.serverKey,
          "{\"alg\":\"ES256\",\"kid\":\"server-key\",\"typ\":\"at+jwt\"" + data.consumeString(80) + "}",
          data.consumeRemainingAsString());
      default -> FuzzServer.sign(fuzz.serverKey, data.consumeString(200), data.consumeRemainingAsString());
    };
    VerifiedToken verified;
    try {
      verified = verifier.verify(token);
    } catch (OAuthException e) {
      if (e.httpStatus() >= 500) {
        throw new AssertionError("verify answered " + e.code(), e);
      }
      return;
    }
    if (!TestServer.ISSUER.equals(verified.issuer()) || !TestServer.RESOURCE.equals(verified.audience())) {
      throw new AssertionError("accepted a token for " + verified.audience() + " from " + verified.issuer());
    }
  }

  private static Map<String, Object> read(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String write(Map<String, Object> claims) {
    try {
      return JSON.writeValueAsString(claims);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
