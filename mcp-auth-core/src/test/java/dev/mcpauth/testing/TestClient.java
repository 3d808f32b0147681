package dev.mcpauth.testing;

import java.util.List;

/**
 * A registered client as the test knows it.
 *
 * @param authMethod {@code none}, {@code client_secret_basic} or {@code client_secret_post}
 */
public record TestClient(String clientId, String clientSecret, String authMethod, List<String> redirectUris) {
  public static TestClient publicClient(String clientId, String... redirectUris) {
    return new TestClient(clientId, null, "none", List.of(redirectUris));
  }

  public String redirectUri() {
    return redirectUris.get(0);
  }

  public TestClient withRedirect(String redirectUri) {
    return new TestClient(clientId, clientSecret, authMethod, List.of(redirectUri));
  }

  @Override
  public String toString() {
    return "TestClient[" + clientId + "]";
  }
}
