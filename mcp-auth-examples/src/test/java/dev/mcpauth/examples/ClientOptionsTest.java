package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.AuthorizationServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client identity flags of the example: --cimd, --cimd-allow-host, --insecure-cimd-loopback, --clients. */
class ClientOptionsTest {
  @TempDir Path dir;

  @Test
  void defaultsWhenNoFlagThenMetadataDocumentsOnForEveryHost() {
    ExampleOptions.Clients clients = ExampleOptions.parse(Map.of()).clients();

    assertThat(clients.metadataDocuments()).isTrue();
    assertThat(clients.metadataDocumentHosts()).isEmpty();
    assertThat(clients.insecureLoopback()).isFalse();
    assertThat(clients.clientsJson()).isNull();
  }

  @Test
  void flagsWhenGivenThenRead() throws Exception {
    Path file = Files.writeString(dir.resolve("clients.json"), "[]");

    ExampleOptions.Clients clients = ExampleOptions.parse(Map.of(), "--cimd", "off", "--cimd-allow-host", "claude.ai",
        "--cimd-allow-host", "chatgpt.com", "--insecure-cimd-loopback", "--clients", file.toString()).clients();

    assertThat(clients.metadataDocuments()).isFalse();
    assertThat(clients.metadataDocumentHosts()).containsExactly("claude.ai", "chatgpt.com");
    assertThat(clients.insecureLoopback()).isTrue();
    assertThat(clients.clientsJson()).isEqualTo("[]");
  }

  @Test
  void flagsWhenMalformedThenSayWhatIsWrong() {
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--cimd", "yes")).hasMessageContaining("on or off");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--cimd-allow-host", "https://claude.ai"))
        .hasMessageContaining("host name");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--clients", dir.resolve("missing.json").toString()))
        .hasMessageContaining("cannot read");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--authorization-server", "https://as.example.com",
        "--cimd", "off")).hasMessageContaining("embedded authorization server");
  }

  @Test
  void clientsFileWhenValidThenEachClientIsRegisteredWithItsGrantTypesAndScope() {
    String json = """
        [{"client_id":"build-bot","client_secret":"0123456789abcdef-secret","grant_types":["client_credentials"],
          "scope":"mcp:read"},
         {"client_id":"signing-bot","grant_types":["client_credentials"],
          "jwks_uri":"https://bot.example.com/jwks.json"},
         {"client_id":"web","redirect_uris":["https://web.example.com/cb"]}]""";
    AuthorizationServer.Builder builder = AuthorizationServer.builder().issuer("https://as.example.com")
        .resource("https://as.example.com/mcp").scopes("mcp:read", "mcp:write");

    ExampleServer.clients(new ExampleOptions.Clients(true, java.util.List.of(), false, json), builder);

    String metadata = builder.build().metadata().authorizationServer().body();
    assertThat(metadata).contains("client_credentials");
  }

  @Test
  void clientsFileWhenInvalidThenNamesTheClientAndTheProblem() {
    AuthorizationServer.Builder builder = AuthorizationServer.builder();
    assertThatThrownBy(() -> ExampleServer.clients(new ExampleOptions.Clients(true, java.util.List.of(), false,
        "[{\"client_id\":\"bot\",\"client_secret\":\"short\",\"grant_types\":[\"client_credentials\"]}]"), builder))
        .hasMessageContaining("--clients").hasMessageContaining("bot").hasMessageContaining("16 characters");
    assertThatThrownBy(() -> ExampleServer.clients(new ExampleOptions.Clients(true, java.util.List.of(), false,
        "[{\"client_id\":\"bot\",\"grant_types\":[\"client_credentials\"]}]"), builder))
        .hasMessageContaining("bot");
    assertThatThrownBy(() -> ExampleServer.clients(new ExampleOptions.Clients(true, java.util.List.of(), false,
        "[{\"client_id\":\"https://bot.example.com/c\",\"client_secret\":\"0123456789abcdef-secret\"}]"), builder))
        .hasMessageContaining("https URL");
    assertThatThrownBy(() -> ExampleServer.clients(new ExampleOptions.Clients(true, java.util.List.of(), false,
        "{\"client_id\":\"bot\"}"), builder)).hasMessageContaining("array");
  }
}
