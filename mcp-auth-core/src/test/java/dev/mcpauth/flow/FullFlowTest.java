package dev.mcpauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpauth.testing.Json;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.token.VerifiedToken;
import org.junit.jupiter.api.Test;

class FullFlowTest {
  private final TestServer test = TestServer.create();

  @Test
  void publicClientWhenFlowCompletesThenTokenVerifiesAtResource() throws Exception {
    TestClient client = test.registerPublic("http://127.0.0.1:33418/callback");
    TestServer.TokenPair tokens = test.tokens(client);

    assertThat(tokens.json().get("token_type").asText()).isEqualTo("Bearer");
    assertThat(tokens.json().get("expires_in").asLong()).isEqualTo(3600);
    assertThat(tokens.json().get("scope").asText()).isEqualTo("mcp:read");
    assertThat(tokens.refreshToken()).isNotBlank();

    SignedJWT jwt = SignedJWT.parse(tokens.accessToken());
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("at+jwt");
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
    assertThat(jwt.getHeader().getKeyID()).isNotBlank();
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(TestServer.RESOURCE);
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(TestServer.ISSUER);
    assertThat(jwt.getJWTClaimsSet().getStringClaim("client_id")).isEqualTo(client.clientId());
    assertThat(jwt.getJWTClaimsSet().getJWTID()).isNotBlank();
    assertThat(jwt.getJWTClaimsSet().getIssueTime()).isNotNull();

    VerifiedToken verified = test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken());
    assertThat(verified.subject()).isEqualTo(TestServer.USER);
    assertThat(verified.clientId()).isEqualTo(client.clientId());
    assertThat(verified.scopes()).containsExactly("mcp:read");
  }

  @Test
  void confidentialClientWhenFlowCompletesThenRefreshWorks() {
    TestClient client = test.registerWith("client_secret_basic", "https://claude.ai/api/mcp/auth_callback");
    TestServer.TokenPair tokens = test.tokens(client);
    JsonNode refreshed = Json.parse(test.refresh(client, tokens.refreshToken()).body());
    assertThat(refreshed.get("access_token").asText()).isNotEqualTo(tokens.accessToken());
    assertThat(refreshed.get("refresh_token").asText()).isNotEqualTo(tokens.refreshToken());
  }
}
