package dev.mcpauth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.http.EndpointResponse;
import java.util.Map;

/** Assertions on OAuth answers. */
public final class OAuthAssert {
  private OAuthAssert() {}

  /** An error redirect to the client, with {@code state} and {@code iss} (RFC 9207). */
  public static Map<String, String> assertErrorRedirect(AuthorizationStep step, String error) {
    assertThat(step).as("step").isInstanceOf(AuthorizationStep.Redirect.class);
    Map<String, String> query = TestServer.query(((AuthorizationStep.Redirect) step).location());
    assertThat(query).containsEntry("error", error).containsEntry("state", "state-123")
        .containsEntry("iss", TestServer.ISSUER).doesNotContainKey("code");
    return query;
  }

  public static void assertErrorRedirect(AuthorizationStep step, String error, String descriptionPart) {
    assertThat(assertErrorRedirect(step, error).get("error_description")).contains(descriptionPart);
  }

  /** An error page: the user is shown the error and not redirected. */
  public static void assertErrorPage(AuthorizationStep step, String error) {
    assertThat(step).as("step").isInstanceOf(AuthorizationStep.ErrorPage.class);
    assertThat(((AuthorizationStep.ErrorPage) step).error().code().code()).isEqualTo(error);
  }

  /** An RFC 6749 §5.2 error response that no cache keeps. */
  public static void assertError(EndpointResponse response, int status, String error) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(Json.parse(response.body()).get("error").asText()).isEqualTo(error);
    assertThat(response.header("Cache-Control")).contains("no-store");
  }
}
