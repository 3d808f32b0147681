package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The proxy mode started without its configuration: one message that lists what to set, and exit code 2. */
class ProxyConfigurationTest {
  @Test
  void proxyWhenNothingIsConfiguredThenOneMessageListsEveryMissingSettingAndExitsNonZero() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ExampleServer.class.getName(), "proxy", "--port", "not-a-number")
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("IDENTITY_") || name.startsWith("MCP_")
        || List.of("PORT", "BASE_URL", "REDIS_URL", "OIDC_PROVIDER_JWKS").contains(name));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output).contains("Cannot start the proxy")
        .contains("PORT must be a number")
        .contains("MCP_SERVER_URL is required")
        .contains("IDENTITY_SERVER_URL (or IDENTITY_SERVER_METADATA_FILE) is required")
        .contains("IDENTITY_CLIENT_ID is required")
        .contains("Usage: java -jar mcp-auth-example.jar proxy")
        .doesNotContain("Exception");
  }
}
