package dev.mcpauth.testing;

import java.util.List;

/** A registered client as the test knows it: id, secret (or null) and redirect URIs. */
public record TestClient(String clientId, String clientSecret, List<String> redirectUris) {
  public String redirectUri() {
    return redirectUris.get(0);
  }
}
