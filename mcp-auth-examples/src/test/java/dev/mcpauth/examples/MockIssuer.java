package dev.mcpauth.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real OAuth 2.0 / OpenID Connect server in its own JVM: {@code no.nav.security:mock-oauth2-server}
 * from Maven Central, started from the test classpath. It signs JWT access tokens with its own key
 * (RS256 or ES256), publishes discovery, JWKS and introspection, has a login form at its
 * authorization endpoint (the user names the claims vouched for), and shapes tokens by client id:
 * {@code other-audience} gets a token for another resource; any other client gets one for {@code
 * audience} with the requested scope.
 */
final class MockIssuer implements AutoCloseable {
  static final String ISSUER_ID = "issuer1";
  /** A client whose client-credentials tokens act for itself, not for a user. */
  static final String MACHINE_CLIENT = "build-bot";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final int port;
  private final String audience;
  private final Path log;
  private Process process;

  MockIssuer(int port, String audience) throws IOException {
    this.port = port;
    this.audience = audience;
    this.log = Files.createTempFile("mock-oauth2-server", ".log");
  }

  String issuer() {
    return "http://localhost:" + port + "/" + ISSUER_ID;
  }

  /** Starts the server signing with {@code algorithm} (RS256 or ES256), and waits until it answers. */
  MockIssuer start(String algorithm) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("SERVER_PORT", String.valueOf(port));
    builder.environment().put("JSON_CONFIG", config(algorithm));
    process = builder.start();
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("mock-oauth2-server exited: " + Files.readString(log));
      }
      try {
        HttpResponse<Void> probe = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (probe.statusCode() == 200) {
          return this;
        }
      } catch (ConnectException | java.net.http.HttpTimeoutException e) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new IllegalStateException("mock-oauth2-server did not start within 60 s: " + Files.readString(log));
  }

  void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      process = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /** An access token from the client credentials grant. */
  String token(String clientId, String scope) throws Exception {
    String form = Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", "secret", "scope", scope)
        .entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body()).get("access_token").asText();
  }

  /** The JWS header of a token, to see which key signed it. */
  static JsonNode header(String jwt) throws IOException {
    return JSON.readTree(java.util.Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))));
  }

  private String config(String algorithm) {
    ObjectNode root = JSON.createObjectNode();
    root.put("interactiveLogin", true); // a login form at /authorize; client credentials need none
    root.putObject("tokenProvider").putObject("keyProvider").put("algorithm", algorithm);
    ObjectNode callback = root.putArray("tokenCallbacks").addObject();
    callback.put("issuerId", ISSUER_ID);
    callback.put("tokenExpiry", 300);
    ArrayNode mappings = callback.putArray("requestMappings");
    mapping(mappings, "client_id", "other-audience", "https://other.example/mcp");
    // A machine client's own token (client credentials): its subject is the client (RFC 9068 §2.2).
    mapping(mappings, "client_id", MACHINE_CLIENT, audience).put("sub", "${clientId}");
    mapping(mappings, "grant_type", "client_credentials", audience);
    // Authorization code and refresh: subject and scope come from what the user entered at login.
    mapping(mappings, "grant_type", "*", audience).remove(List.of("sub", "scope"));
    return root.toString();
  }

  /** Claims for token requests whose {@code param} matches {@code value}; the first match wins. */
  private static ObjectNode mapping(ArrayNode mappings, String param, String value, String audience) {
    ObjectNode mapping = mappings.addObject();
    mapping.put("requestParam", param);
    mapping.put("match", value);
    ObjectNode claims = mapping.putObject("claims");
    claims.put("sub", "alice");
    claims.putArray("aud").add(audience);
    claims.put("azp", "${clientId}");
    claims.put("scope", "${scope}");
    return claims;
  }
}
