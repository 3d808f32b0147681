package dev.mcpauth.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Client assertions (RFC 7523 §2.2) at the token endpoint, for a {@code private_key_jwt} client
 * asking for {@code client_credentials}: any assertion string, or a JWS signed with the client's own
 * key whose header or claims the fuzzer writes or changes. The answer is tokens or a 4xx with a JSON
 * {@code error}; tokens only for an assertion that names the client and this server and is fresh.
 */
class ClientAssertionFuzzTest {
  private static final String[] CLAIMS = {"iss", "sub", "aud", "exp", "iat", "nbf", "jti"};
  private static final ObjectMapper JSON = new ObjectMapper();
  private static FuzzServer fuzz;

  @FuzzTest(maxDuration = "4s")
  void clientAssertion(FuzzedDataProvider data) {
    fuzz = FuzzServer.forNextInput();
    String clientId = data.consumeBoolean() ? FuzzServer.SIGNING_CLIENT : data.consumeString(40);
    String extra = data.consumeBoolean() ? "&" + data.consumeString(100) : "";
    Map<String, Object> claims = null;
    String assertion = switch (data.consumeInt(0, 2)) {
      case 0 -> data.consumeRemainingAsString();
      case 1 -> FuzzServer.sign(fuzz.clientKey, data.consumeString(200), data.consumeRemainingAsString());
      default -> {
        claims = valid();
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
        String header = data.consumeBoolean() ? "{\"alg\":\"ES256\",\"kid\":\"client-key\"}"
            : "{\"alg\":\"ES256\"" + data.consumeRemainingAsString() + "}";
        yield FuzzServer.sign(fuzz.clientKey, header, write(claims));
      }
    };
    String form = "grant_type=client_credentials&client_assertion_type=" + enc(FuzzServer.ASSERTION_TYPE)
        + "&client_assertion=" + enc(assertion) + "&client_id=" + enc(clientId) + extra;
    JsonNode answer = Answers.check(fuzz.test.server.tokenEndpoint().handle(EndpointRequest.form(form)));
    if (answer != null && answer.has("access_token")) {
      if (claims == null || !FuzzServer.SIGNING_CLIENT.equals(claims.get("iss"))
          || !FuzzServer.SIGNING_CLIENT.equals(claims.get("sub"))) {
        throw new AssertionError("tokens for an assertion with claims " + claims);
      }
    }
  }

  /** Claims the server accepts: the client as issuer and subject, this server as audience, fresh. */
  private static Map<String, Object> valid() {
    Map<String, Object> claims = new LinkedHashMap<>();
    long now = fuzz.test.clock.instant().getEpochSecond();
    claims.put("iss", FuzzServer.SIGNING_CLIENT);
    claims.put("sub", FuzzServer.SIGNING_CLIENT);
    claims.put("aud", TestServer.ISSUER);
    claims.put("exp", now + 120);
    claims.put("iat", now);
    claims.put("jti", UUID.randomUUID().toString());
    return claims;
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String write(Map<String, Object> claims) {
    try {
      return JSON.writeValueAsString(claims);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
