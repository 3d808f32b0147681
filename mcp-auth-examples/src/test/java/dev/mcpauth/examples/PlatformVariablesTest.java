package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PORT and BASE_URL, as Cloud Run sets them and the proxy mode reads them; the flags win. */
class PlatformVariablesTest {
  @Test
  void parseWhenPortAndBaseUrlSetThenTheyAreTheDefaults() {
    ExampleOptions options = ExampleOptions.parse(Map.of("PORT", "9191", "BASE_URL", "https://mcp.example.com/"));

    assertThat(options.port()).isEqualTo(9191);
    assertThat(options.baseUrl()).isEqualTo("https://mcp.example.com");
  }

  @Test
  void parseWhenFlagsGivenThenFlagsWin() {
    ExampleOptions options = ExampleOptions.parse(Map.of("PORT", "9191", "BASE_URL", "https://mcp.example.com"),
        "--port", "7070", "--base-url", "https://other.example.com");

    assertThat(options.port()).isEqualTo(7070);
    assertThat(options.baseUrl()).isEqualTo("https://other.example.com");
  }

  @Test
  void parseWhenPortNotANumberThenErrorNamesTheVariable() {
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of("PORT", "eighty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PORT takes a number from 0 to 65535");
  }

  @Test
  void parseWhenBaseUrlNotAnAbsoluteHttpUrlThenErrorNamesTheSourceNotTheValue() {
    for (String bad : new String[] {"", "localhost:8080", "http://", "/", "http://127.1:8080", "http://mcp_server:80",
        "ftp://mcp.example.com", "https://mcp.example.com/?a=b", "https://alice:s3cret@mcp.example.com"}) {
      assertThatThrownBy(() -> ExampleOptions.parse(Map.of("BASE_URL", bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("BASE_URL takes an absolute http or https URL")
          .hasMessageNotContaining("s3cret");
    }
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--base-url", "mcp.example.com"))
        .hasMessageStartingWith("--base-url takes");
  }

  @Test
  void startWhenPortTakenThenTheBindFailureIsThrownNotSwallowed() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> ExampleServer.start(
          ExampleOptions.parse(Map.of(), "--port", Integer.toString(taken.getLocalPort()))))
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void traceWhenAnyPathThen405WithoutEchoingTheRequest() throws Exception {
    try (ExampleServer server = ExampleServer.start(ExampleOptions.parse(Map.of("PORT", "0")))) {
      for (String path : new String[] {"/nonexistent", "/", "/mcp/x"}) {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(server.baseUrl() + path)).method("TRACE", HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Bearer SECRET123").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(path).isEqualTo(405);
        assertThat(answer.body()).as(path).doesNotContain("SECRET123");
      }
    }
  }

  @Test
  void startWhenPortFromVariableThenServes() throws Exception {
    try (ExampleServer server = ExampleServer.start(ExampleOptions.parse(Map.of("PORT", "0")))) {
      HttpResponse<String> metadata = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(server.baseUrl() + "/.well-known/oauth-authorization-server")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(metadata.body()).contains("\"issuer\":\"" + server.baseUrl() + "\"");
    }
  }
}
