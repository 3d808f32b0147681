package dev.mcpauth.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.http.EndpointResponse;

/**
 * The oracle shared by the endpoint fuzz tests: whatever the input, an endpoint answers; a refusal is
 * a 4xx with a JSON body naming the {@code error} (RFC 6749 §5.2), never a 5xx. An exception thrown
 * out of an endpoint is a finding too: Jazzer reports it as it is.
 */
final class Answers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Answers() {}

  /** Throws {@link AssertionError} unless {@code response} is a success or a well-formed OAuth error. */
  static JsonNode check(EndpointResponse response) {
    if (response == null) {
      throw new AssertionError("no response");
    }
    int status = response.status();
    if (status >= 500 || status < 200) {
      throw new AssertionError("status " + status + ": " + response.body());
    }
    if (status >= 400) {
      JsonNode body = json(response);
      if (!body.path("error").isTextual()) {
        throw new AssertionError("a " + status + " without error: " + response.body());
      }
      if (!response.header("Content-Type").orElse("").startsWith("application/json")) {
        throw new AssertionError("a " + status + " that is not JSON: " + response.headers());
      }
      return body;
    }
    return status == 302 || response.body() == null ? null : json(response);
  }

  private static JsonNode json(EndpointResponse response) {
    try {
      JsonNode body = JSON.readTree(response.body());
      if (body == null || !body.isObject()) {
        throw new AssertionError("not a JSON object: " + response.body());
      }
      return body;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }
}
