package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.upstream.UpstreamTokenSealer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The federated login end to end: the example's embedded authorization server with
 * mock-oauth2-server (its own JVM) as the upstream OpenID provider, configured by a metadata file
 * as for a provider without discovery (the proxy test discovers), driven by the official
 * TypeScript SDK client. The user consents to the client here, signs in upstream, and the client
 * gets this server's tokens; a tool calls the provider's user info endpoint with the user's
 * upstream token, which the client never sees.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // Node clients get up to 4 min each (NodeProcess); some tests run several
class FederatedLoginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static MockIssuer upstream;
  private static ExampleServer server;

  @BeforeAll
  static void start() throws Exception {
    // Its ID tokens must name this server's client at the provider as their audience.
    upstream = new MockIssuer(SharedStoreReplicasContract.freePort(), "mcp-auth-proxy").start("RS256");
    // Configured as for a provider without discovery: its metadata in a file.
    Path metadata = Files.createTempFile("upstream-metadata", ".json");
    Files.writeString(metadata, HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(upstream.issuer() + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString()).body());
    server = ExampleServer.start(ExampleOptions.parse(
        Map.of("IDENTITY_SERVER_METADATA_FILE", metadata.toString(), "IDENTITY_CLIENT_ID", "mcp-auth-proxy",
            "IDENTITY_CLIENT_SECRET", "upstream-secret", "IDENTITY_SCOPE", "openid profile",
            "MCP_AUTH_UPSTREAM_TOKEN_KEY", UpstreamTokenSealer.newKey()),
        "--port", "0"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    upstream.close();
  }

  @Test
  void officialClientWhenTheLoginIsFederatedThenConsentHereSignInUpstreamAndOnlyLocalTokensReachTheClient()
      throws Exception {
    NodeProcess.Result result = NodeProcess.node(180, "ts-client-flow.mjs", server.mcpEndpoint().toString(), "carol", "",
        "{\"login\":\"federated\",\"upstreamTool\":\"upstream_userinfo\"}");
    JsonNode report = JSON.readTree(result.lastLine());
    assertThat(report.path("ok").asBoolean()).as(result.stdout() + result.stderr()).isTrue();

    List<String> exchanges = ClientReport.exchanges(report);
    String issuerPath = "/" + MockIssuer.ISSUER_ID;
    assertThat(exchanges).containsSubsequence(
        "POST /mcp 401",
        "POST /register 201",
        "GET /authorize 200",                       // consent for this client, here, first
        "POST /authorize/consent 302",              // then off to the provider
        "GET " + issuerPath + "/authorize 200",
        "POST " + issuerPath + "/authorize 302",    // signed in upstream
        "GET /interaction/identity/callback 302",   // back here: code for the client
        "POST /token 200",
        "POST /mcp 200");
        assertThat(ClientReport.step(report, "whoami").get("subject").asText()).as("the upstream subject").isEqualTo("carol");
    assertThat(ClientReport.step(report, "refresh").get("rotated").asBoolean()).isTrue();
    assertThat(ClientReport.step(report, "write_note").get("text").asText()).isEqualTo("Saved a note for carol: hello");
    JsonNode userinfo = ClientReport.step(report, "upstream_userinfo");
    assertThat(userinfo.get("isError").asBoolean()).as(userinfo.toString()).isFalse();
    assertThat(userinfo.get("text").asText()).startsWith("HTTP 200").contains("\"sub\"").contains("carol");
    // What the client holds is this server's token, not the provider's.
    assertThat(ClientReport.step(report, "client-tokens").get("issuer").asText()).isEqualTo(server.baseUrl());
  }

}
