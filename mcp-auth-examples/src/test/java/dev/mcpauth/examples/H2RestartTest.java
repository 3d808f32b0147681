package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The embedded persistent choice for one machine: the example on an H2 file ({@code --store
 * jdbc:h2:file:…}), stopped and started again. Registered clients, grants and refresh tokens survive
 * and keep working, and the access token issued before the restart is still accepted.
 */
class H2RestartTest {
  @Test
  void exampleOnAnH2FileWhenRestartedThenClientsGrantsAndRefreshTokensKeepWorking() throws Exception {
    Path directory = Files.createTempDirectory("mcp-auth-h2");
    Path key = directory.resolve("signing.jwk");
    Files.writeString(key, new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate().toJSONString());
    int port = SharedStoreReplicasContract.freePort();
    PublicHost host = new PublicHost("localhost:" + port);
    String[] flags = {"--port", String.valueOf(port), "--store", "jdbc:h2:file:" + directory.resolve("store"),
        "--signing-key", key.toString(), "--user", "alice:wonderland"};

    String clientId;
    JsonNode tokens;
    String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    try (ExampleProcess before = ExampleProcess.start(flags)) {
      clientId = host.register(port);
      tokens = host.exchange(port, clientId, host.authorize(clientId, verifier, "mcp:read", port, port), verifier);
    }
    try (ExampleProcess after = ExampleProcess.start(flags)) {
      assertThat(host.whoami(port, tokens.get("access_token").asText())).as("access token from before").isEqualTo(200);
      JsonNode refreshed = PublicHost.tokens(host.refresh(port, clientId, tokens.get("refresh_token").asText()));
      assertThat(host.whoami(port, refreshed.get("access_token").asText())).isEqualTo(200);
      String again = UUID.randomUUID() + "-" + UUID.randomUUID();
      assertThat(host.authorize(clientId, again, "mcp:read", port, port)).as("the client is still registered").isNotBlank();
    }
  }
}
