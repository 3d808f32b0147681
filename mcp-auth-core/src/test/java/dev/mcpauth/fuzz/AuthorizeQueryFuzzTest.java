package dev.mcpauth.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.authorization.Decision;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The query string of {@code /authorize} as the servlet adapter passes it: whatever it holds, the
 * answer is an error page (a 4xx error), a consent interaction, or a redirect, and a redirect (also
 * after consent) goes only to a URI the client registered (RFC 6749 §4.1.2.1: never to an
 * unverified one).
 */
class AuthorizeQueryFuzzTest {
  private static final String[] NAMES = {"response_type", "client_id", "redirect_uri", "code_challenge",
      "code_challenge_method", "state", "resource", "scope", "prompt", "request", "request_uri", "response_mode",
      "nonce", "iss"};
  private static final String[] VALUES = {"code", "token", "S256", "plain", FuzzServer.PUBLIC_CLIENT,
      FuzzServer.SECRET_CLIENT, FuzzServer.SIGNING_CLIENT, FuzzServer.DOCUMENT_CLIENT,
      "https://apps.example.com/other.json", FuzzServer.REDIRECT, FuzzServer.LOOPBACK_REDIRECT,
      "http://127.0.0.1:4242/callback", "http://localhost/callback", TestServer.RESOURCE, TestServer.OTHER_RESOURCE,
      "mcp:read", "mcp:write", "offline_access", "consent", "none", Pkce.generate().challenge()};

  private static FuzzServer fuzz;

  @FuzzTest(maxDuration = "4s")
  void authorizeQuery(FuzzedDataProvider data) {
    fuzz = FuzzServer.forNextInput();
    boolean approve = data.consumeBoolean();
    String query = data.consumeBoolean() ? built(data) : data.consumeRemainingAsString();

    AuthorizationStep step = fuzz.test.server.authorizationEndpoint().start(EndpointRequest.get(query));
    if (step instanceof AuthorizationStep.Interaction interaction) {
      checkRegistered(URI.create(interaction.request().redirectUri()), query);
      step = fuzz.test.server.authorizationEndpoint().complete(interaction.handle(),
          approve ? Decision.approve(TestServer.USER, interaction.request().scopes()) : Decision.deny());
    }
    if (step instanceof AuthorizationStep.Redirect redirect) {
      checkRegistered(redirect.location(), query);
    } else if (step instanceof AuthorizationStep.ErrorPage page) {
      if (page.error().httpStatus() >= 500) {
        throw new AssertionError("error page with " + page.error().httpStatus() + ": " + page.error().getMessage());
      }
    } else {
      throw new AssertionError("consent asked twice");
    }
  }

  /** Every client of {@link FuzzServer} registered these two, the loopback one on any port (RFC 8252 §7.3). */
  private static void checkRegistered(URI location, String query) {
    String where = location.getScheme() + "://" + location.getRawAuthority() + location.getRawPath();
    boolean registered = where.equals(FuzzServer.REDIRECT)
        || ("http".equals(location.getScheme()) && "127.0.0.1".equals(location.getHost())
            && "/callback".equals(location.getRawPath()) && location.getRawUserInfo() == null);
    if (!registered || location.getRawFragment() != null) {
      throw new AssertionError("redirect to " + location + " for " + query);
    }
  }

  private static String built(FuzzedDataProvider data) {
    StringBuilder query = new StringBuilder();
    int count = data.consumeInt(0, 10);
    for (int i = 0; i < count; i++) {
      String name = data.consumeBoolean() ? NAMES[data.consumeInt(0, NAMES.length - 1)] : data.consumeString(20);
      String value = data.consumeBoolean() ? VALUES[data.consumeInt(0, VALUES.length - 1)] : data.consumeString(100);
      boolean encode = data.consumeBoolean();
      query.append(query.length() == 0 ? "" : "&")
          .append(encode ? URLEncoder.encode(name, StandardCharsets.UTF_8) : name).append('=')
          .append(encode ? URLEncoder.encode(value, StandardCharsets.UTF_8) : value);
    }
    return query.toString();
  }
}
