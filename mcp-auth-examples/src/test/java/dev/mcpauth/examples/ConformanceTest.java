package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MCP conformance suite ({@code @modelcontextprotocol/conformance}, on Node 22 from the {@code
 * node} npm package) runs its authorization-server scenarios, {@code conformance authorization --url
 * <issuer>}, against the example. The suite prints an authorization URL for a person to open; {@code
 * src/test/node/conformance-run.mjs} registers the suite's client, approves that URL on the consent
 * page and hands the redirect to the suite's callback server.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // Node clients get up to 4 min each (NodeProcess); some tests run several
class ConformanceTest {
  private static final Path RESULTS = Path.of("target/conformance").toAbsolutePath();

  private static ExampleServer server;

  @BeforeAll
  static void start() throws Exception {
    server = ExampleServer.start(ExampleOptions.parse(Map.of(), "--port", "0", "--user", "alice:wonderland"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void conformanceSuiteWhenRunningAuthorizationServerScenariosThenEveryCheckPasses() throws Exception {
    NodeProcess.Result result = NodeProcess.node(240, "conformance-run.mjs", NodeProcess.node22().toString(),
        server.baseUrl(), server.mcpEndpoint().toString(), "alice", "wonderland",
        String.valueOf(freeLoopbackPort()), RESULTS.resolve(String.valueOf(System.nanoTime())).toString());
    String diagnostics = result.stdout() + result.stderr();
    JsonNode report = new ObjectMapper().readTree(result.lastLine());

    assertThat(report.path("exitCode").asInt(-1)).as(diagnostics).isZero();
    Map<String, String> statuses = new HashMap<>();
    report.get("checks").forEach(c -> statuses.put(c.get("id").asText(), c.get("status").asText()));
    assertThat(statuses).as(diagnostics)
        .containsEntry("authorization-server-metadata", "SUCCESS")
        // The metadata advertises client_id_metadata_document_supported (MCP 2025-11-25); the suite
        // warned while it did not.
        .containsEntry("authorization-server-metadata-cimd", "SUCCESS")
        .containsEntry("authorization-code-grant", "SUCCESS");
    // Nothing failed, and nothing is left to warn about.
    assertThat(statuses.values()).as(diagnostics).doesNotContain("FAILURE", "WARNING");

    JsonNode approval = report.get("approval");
    assertThat(approval.get("redirectHost").asText()).startsWith("127.0.0.1:");
    assertThat(approval.get("callbackStatus").asInt()).isEqualTo(200);
    assertThat(approval.get("iss").asText()).isEqualTo(server.baseUrl());
  }

  private static int freeLoopbackPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
