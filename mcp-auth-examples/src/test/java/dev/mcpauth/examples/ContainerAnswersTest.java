package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * What Jetty answers itself, before or beside the library (an unknown path, a request it cannot
 * parse, headers too large), also carries {@code X-Content-Type-Options: nosniff} and no exception
 * text (before: only the library's answers did).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ContainerAnswersTest {
  private static ExampleServer server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    server = ExampleServer.start(ExampleOptions.parse(Map.of(), "--port", "0"));
    port = URI.create(server.baseUrl()).getPort();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"unknown path", "bad request line", "headers too large", "bad content length"})
  void containerAnswerWhenJettyAnswersItselfThenNoSniffAndNoExceptionText(String kind) throws Exception {
    String request = switch (kind) {
      case "unknown path" -> "GET /no/such/path HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n";
      case "bad request line" -> "GET /a b c HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n";
      case "headers too large" -> "GET / HTTP/1.1\r\nHost: localhost:" + port + "\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n";
      default -> "POST /token HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Length: 12x\r\n\r\n";
    };
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.shutdownOutput();

      String answer = readAll(socket.getInputStream());

      assertThat(answer).matches("(?s)HTTP/1\\.1 4\\d\\d .*");
      assertThat(answer).containsIgnoringCase("\r\nX-Content-Type-Options: nosniff\r\n");
      assertThat(answer).doesNotContainIgnoringCase("exception").doesNotContain("org.eclipse");
    }
  }

  private static String readAll(InputStream in) throws Exception {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }
}
