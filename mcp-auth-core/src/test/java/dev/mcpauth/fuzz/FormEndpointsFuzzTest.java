package dev.mcpauth.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The form endpoints (token, revocation, introspection) as the servlet adapter calls them: a POST
 * whose body, {@code Content-Type} and {@code Authorization} header the fuzzer chooses. The body is
 * either raw or built from parameters with names and values that the server knows (a live code with
 * its verifier, the clients' ids and secret, the registered redirect URIs), so that inputs get past
 * the first checks. Every answer must be a success or a 4xx with a JSON {@code error}.
 */
class FormEndpointsFuzzTest {
  private static final String[] NAMES = {"grant_type", "code", "redirect_uri", "code_verifier", "client_id",
      "client_secret", "refresh_token", "resource", "scope", "token", "token_type_hint", "client_assertion",
      "client_assertion_type"};
  private static final String[] VALUES = {"authorization_code", "refresh_token", "client_credentials",
      FuzzServer.PUBLIC_CLIENT, FuzzServer.SECRET_CLIENT, FuzzServer.SIGNING_CLIENT, FuzzServer.DOCUMENT_CLIENT,
      FuzzServer.SECRET, FuzzServer.REDIRECT, FuzzServer.LOOPBACK_REDIRECT, "http://127.0.0.1:4242/callback",
      TestServer.RESOURCE, TestServer.OTHER_RESOURCE, "mcp:read", "mcp:write", "offline_access", "access_token",
      FuzzServer.ASSERTION_TYPE};
  private static final String[] CONTENT_TYPES = {"application/x-www-form-urlencoded",
      "application/x-www-form-urlencoded; charset=UTF-8", "application/json", "text/plain"};

  private static FuzzServer fuzz;

  @FuzzTest(maxDuration = "4s")
  void formEndpoints(FuzzedDataProvider data) {
    fuzz = FuzzServer.forNextInput();
    int endpoint = data.consumeInt(0, 3);
    String contentType = data.consumeBoolean() ? CONTENT_TYPES[data.consumeInt(0, CONTENT_TYPES.length - 1)]
        : data.consumeString(60);
    String authorization = switch (data.consumeInt(0, 3)) {
      case 0 -> null;
      case 1 -> "Basic " + Base64.getEncoder().encodeToString(
          (FuzzServer.SECRET_CLIENT + ":" + FuzzServer.SECRET).getBytes(StandardCharsets.UTF_8));
      case 2 -> "Basic " + Base64.getEncoder().encodeToString(data.consumeString(80).getBytes(StandardCharsets.UTF_8));
      default -> data.consumeString(120);
    };
    String body = data.consumeBoolean() ? built(data) : data.consumeRemainingAsString();

    EndpointRequest request = new EndpointRequest("POST", null,
        contentType.isEmpty() ? Map.of() : Map.of("Content-Type", contentType), body);
    if (authorization != null) {
      request = request.withHeader("Authorization", authorization);
    }
    EndpointResponse response = switch (endpoint) {
      case 0, 1 -> fuzz.test.server.tokenEndpoint().handle(request);
      case 2 -> fuzz.test.server.revocationEndpoint().handle(request);
      default -> fuzz.test.server.introspectionEndpoint().handle(request);
    };
    Answers.check(response);
  }

  /** A form of known and unknown names and values, sometimes with a code that the server just issued. */
  private static String built(FuzzedDataProvider data) {
    StringBuilder form = new StringBuilder();
    if (data.consumeBoolean()) {
      Map.Entry<String, Pkce> code = fuzz.code();
      form.append("code=").append(code.getKey()).append("&code_verifier=").append(code.getValue().verifier())
          .append("&grant_type=authorization_code&client_id=").append(FuzzServer.PUBLIC_CLIENT);
    }
    int count = data.consumeInt(0, 8);
    for (int i = 0; i < count; i++) {
      String name = data.consumeBoolean() ? NAMES[data.consumeInt(0, NAMES.length - 1)] : data.consumeString(20);
      String value = data.consumeBoolean() ? VALUES[data.consumeInt(0, VALUES.length - 1)] : data.consumeString(100);
      boolean encode = data.consumeBoolean();
      form.append(form.length() == 0 ? "" : "&")
          .append(encode ? URLEncoder.encode(name, StandardCharsets.UTF_8) : name).append('=')
          .append(encode ? URLEncoder.encode(value, StandardCharsets.UTF_8) : value);
    }
    return form.toString();
  }
}
