package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example's MCP endpoint decides 401 from the headers: an anonymous client that announces a
 * 4 MB body and sends none reads its 401 at once, before it has sent a byte of the body. Before,
 * the bearer filter waited for the body to learn the called tool, and the client got no answer.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UnreadBodyTest {
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
  void mcpWhenAnonymousAnnouncesLargeBodyAndSendsNoneThen401WhileTheBodyIsUnsent() throws Exception {
    URI mcp = server.mcpEndpoint();
    try (Socket socket = new Socket(mcp.getHost(), mcp.getPort())) {
      socket.setSoTimeout(60_000); // generous: the 401 must come without the body, however slow the machine
      OutputStream out = socket.getOutputStream();
      out.write(("POST /mcp HTTP/1.1\r\nHost: " + mcp.getRawAuthority() + "\r\nContent-Type: application/json\r\n"
          + "Accept: application/json, text/event-stream\r\nContent-Length: 4000000\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();

      String head = head(socket.getInputStream());

      assertThat(head).startsWith("HTTP/1.1 401")
          .contains("WWW-Authenticate: Bearer resource_metadata=\"" + server.baseUrl()
              + "/.well-known/oauth-protected-resource/mcp\", scope=\"mcp:read\"");
    }
  }

  private static String head(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    int b;
    while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) != -1) {
      head.append((char) b);
    }
    return head.toString();
  }
}
