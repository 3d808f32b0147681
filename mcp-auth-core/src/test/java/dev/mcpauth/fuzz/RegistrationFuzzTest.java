package dev.mcpauth.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mcpauth.client.RedirectUris;
import dev.mcpauth.http.EndpointRequest;
import java.nio.charset.StandardCharsets;

/**
 * Dynamic client registration (RFC 7591) with any JSON body: 201 or a 4xx with a JSON {@code
 * error}, and what it registered passes the redirect URI rules.
 */
class RegistrationFuzzTest {
  private static FuzzServer fuzz;

  @FuzzTest(maxDuration = "4s")
  void registration(byte[] data) {
    fuzz = FuzzServer.forNextInput();
    String body = new String(data, StandardCharsets.UTF_8); // as the servlet adapter decodes it
    JsonNode answer = Answers.check(fuzz.test.server.registrationEndpoint().handle(EndpointRequest.json(body)));
    if (answer != null && answer.has("client_id")) {
      for (JsonNode uri : answer.path("redirect_uris")) {
        RedirectUris.checkRegistrable(uri.asText());
      }
    }
  }
}
