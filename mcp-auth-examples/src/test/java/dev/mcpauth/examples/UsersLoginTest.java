package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.servlet.PasswordHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users who never appear on the command line log in through the consent page over real HTTP: alice
 * from {@code --users-file} (a plain password), bob from {@code MCP_AUTH_USERS} (a hash made as
 * {@code --hash-password} makes it).
 */
class UsersLoginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static ExampleServer server;
  private static PublicHost host;

  @BeforeAll
  static void start() throws Exception {
    Path users = Files.writeString(dir.resolve("users"), "# local users\nalice:wonderland\n");
    String bob = "bob:" + PasswordHash.of("looking-glass".toCharArray()).encoded();
    server = ExampleServer.start(ExampleOptions.parse(Map.of("MCP_AUTH_USERS", bob), "--port", "0",
        "--users-file", users.toString()));
    host = new PublicHost(server.baseUrl().substring("http://".length()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void loginWhenUserFromUsersFileThenTokenNamesThatUser() throws Exception {
    assertThat(whoami("alice", "wonderland").get("subject").asText()).isEqualTo("alice");
  }

  @Test
  void loginWhenUserFromEnvironmentWithHashedPasswordThenTokenNamesThatUser() throws Exception {
    assertThat(whoami("bob", "looking-glass").get("subject").asText()).isEqualTo("bob");
  }

  @Test
  void loginWhenPasswordWrongOrItsHashGivenThenNoCode() {
    assertThatThrownBy(() -> whoami("bob", "wonderland")).hasMessageContaining("Wrong user name or password");
    assertThatThrownBy(() -> whoami("alice", "looking-glass")).hasMessageContaining("Wrong user name or password");
  }

  /** Registers a client, logs in on the consent page, exchanges the code and calls whoami. */
  private static JsonNode whoami(String username, String password) throws Exception {
    int port = server.mcpEndpoint().getPort();
    String clientId = host.register(port);
    String verifier = "v".repeat(43) + username;
    String code = host.authorize(clientId, verifier, "mcp:read", port, port, username, password);
    String token = host.exchange(port, clientId, code, verifier).get("access_token").asText();
    McpHttp.Answer answer = McpHttp.callTool(server.mcpEndpoint(), token, "whoami", "{}");
    assertThat(answer.status()).isEqualTo(200);
    return JSON.readTree(McpHttp.text(answer));
  }
}
