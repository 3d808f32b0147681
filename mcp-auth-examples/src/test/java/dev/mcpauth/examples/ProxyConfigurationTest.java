package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.mcpauth.examples.proxy.ProxyServerAccess;
import dev.mcpauth.upstream.UpstreamTokenSealer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  @Test
  void proxyWhenSeveralSigningKeysWithoutTheirRetirementTimeThenRefused() throws Exception {
    String keys = "[" + new ECKeyGenerator(Curve.P_256).keyID("new").generate().toJSONString() + ","
        + new ECKeyGenerator(Curve.P_256).keyID("old").generate().toJSONString() + "]";
    Map<String, String> environment = Map.of("OIDC_PROVIDER_JWKS", keys, "PORT", "0",
        "MCP_SERVER_URL", "http://127.0.0.1:9/mcp", "IDENTITY_SERVER_URL", "http://127.0.0.1:9/idp",
        "IDENTITY_CLIENT_ID", "proxy", "MCP_AUTH_UPSTREAM_TOKEN_KEY", UpstreamTokenSealer.newKey());

    assertThatThrownBy(() -> ProxyServerAccess.start(environment)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OIDC_PROVIDER_JWKS_RETIRED_AT");
    Map<String, String> badTime = new HashMap<>(environment);
    badTime.put("OIDC_PROVIDER_JWKS_RETIRED_AT", "last week");
    assertThatThrownBy(() -> ProxyServerAccess.start(badTime)).hasMessageContaining("ISO-8601");
    Map<String, String> withTime = new HashMap<>(environment);
    withTime.put("OIDC_PROVIDER_JWKS_RETIRED_AT", Instant.now().minusSeconds(60).toString());
    try (ProxyServerAccess proxy = ProxyServerAccess.start(withTime)) {
      assertThat(proxy.mcpEndpoint()).isNotNull();
    }
  }
}
