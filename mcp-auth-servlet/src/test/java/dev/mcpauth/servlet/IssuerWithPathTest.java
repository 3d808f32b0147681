package dev.mcpauth.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An issuer with a path (e.g. a tenant): RFC 8414 path insertion and the OpenID probe order. */
class IssuerWithPathTest extends ServletAdapterContract {
  @Override
  ServletContainer newContainer() {
    return new JettyContainer();
  }

  @Override
  String issuerPath() {
    return "/tenant1";
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/.well-known/oauth-authorization-server/tenant1",
      "/.well-known/openid-configuration/tenant1",
      "/tenant1/.well-known/openid-configuration"})
  void metadataWhenProbedInSpecOrderThenServed(String path) throws Exception {
    assertThat(json(get(path, Map.of())).get("issuer").asText()).isEqualTo(base + "/tenant1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/authorize", "/token", "/register"})
  void rootFallbackEndpointsWhenIssuerHasPathThenStillAnswer(String path) throws Exception {
    assertThat(get(path, Map.of()).statusCode()).isNotEqualTo(404);
  }
}
