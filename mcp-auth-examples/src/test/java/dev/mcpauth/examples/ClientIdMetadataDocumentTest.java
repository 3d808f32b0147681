package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mcpauth.testing.TestTls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that never register, against the example in a JVM of its own: the official TypeScript SDK
 * client identified by a Client ID Metadata Document that a real HTTPS server publishes (its test CA
 * is trusted by the example's JVM only; {@code --insecure-cimd-loopback} lets it fetch from
 * localhost), as a public client and, as ChatGPT does, with {@code private_key_jwt} and a {@code
 * jwks_uri}; the SDK's machine-client providers, pre-registered with {@code --clients}, one with a
 * client secret and one with {@code private_key_jwt}; and what a user sees when a document is missing
 * or names another client. See {@code src/test/node/ts-client-cimd.mjs} and {@code ts-client-machine.mjs}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // Node clients get up to 4 min each (NodeProcess); some tests run several
class ClientIdMetadataDocumentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient(); // follows no redirects
  private static final String PASSWORD = "wonderland";
  /** The redirect URI ts-client-cimd.mjs uses; its document lists it. */
  private static final String REDIRECT_URI = "http://127.0.0.1:53682/callback";
  /** A machine client with a client secret, limited to mcp:read. */
  private static final String REPORTS_CLIENT = "nightly-report";
  /** A machine client with private_key_jwt, allowed mcp:read and mcp:write. */
  private static final String LEDGER_CLIENT = "ledger-sync";

  @TempDir
  static Path files;
  /** What the document server publishes, by path; a path not here answers 404. */
  private static final Map<String, String> published = new ConcurrentHashMap<>();
  /** Every path the document server was asked for; only the example fetches (the SDK never does). */
  private static final List<String> fetched = new CopyOnWriteArrayList<>();
  private static HttpsServer documents;
  private static ExampleProcess example;
  private static String reportsSecret;
  private static ECKey ledgerKey;

  @BeforeAll
  static void start() throws Exception {
    TestTls tls = TestTls.create();
    documents = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    documents.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
    documents.createContext("/", exchange -> {
      fetched.add(exchange.getRequestURI().getPath());
      String document = published.get(exchange.getRequestURI().getPath());
      byte[] body = (document != null ? document : "{\"error\":\"not found\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(document != null ? 200 : 404, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    documents.start();
    published.put("/client.json", document(documentUrl("/client.json"), "Weather assistant"));
    // A document that claims another client's id, as a copied or forged one would.
    published.put("/impostor.json", document(documentUrl("/client.json"), "Weather assistant"));

    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    reportsSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    ledgerKey = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.ES256).generate();
    Path clients = Files.writeString(files.resolve("clients.json"), JSON.writeValueAsString(List.of(
        Map.of("client_id", REPORTS_CLIENT, "client_name", "Nightly report", "client_secret", reportsSecret,
            "grant_types", List.of("client_credentials"), "scope", "mcp:read"),
        Map.of("client_id", LEDGER_CLIENT, "client_name", "Ledger sync",
            "jwks", Map.of("keys", List.of(ledgerKey.toPublicJWK().toJSONObject())),
            "grant_types", List.of("client_credentials"), "scope", "mcp:read mcp:write"))));
    Path trustStore = tls.writeTrustStore(files.resolve("trust.p12"), TestTls.KEY_STORE_PASSWORD);

    example = ExampleProcess.start(
        List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStoreType=PKCS12",
            "-Djavax.net.ssl.trustStorePassword=" + new String(TestTls.KEY_STORE_PASSWORD)),
        "--port", "0", "--user", "alice:" + PASSWORD, "--insecure-cimd-loopback", "--clients", clients.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (example != null) {
      example.close();
    }
    if (documents != null) {
      documents.stop(0);
    }
  }

  @Test
  void officialClientWhenGivenAMetadataDocumentUrlThenSignsInWithItAsClientIdWithoutRegistering() throws Exception {
    String clientId = documentUrl("/client.json");
    JsonNode report = signInWithDocument(clientId, null);
    assertThat(fetched).as("the authorization server read the document").contains("/client.json");
    // A public client: both token requests name the URL and carry no credentials.
    assertThat(tokenRequests(report)).allSatisfy(h -> {
      assertThat(h.get("clientId").asText()).isEqualTo(clientId);
      assertThat(h.get("clientAuthentication").asText()).isEqualTo("none");
    });
  }

  @Test
  void officialClientWhenItsDocumentOffersPrivateKeyJwtAsChatGptsDoesThenItsAssertionsVerifyWithThePublishedKeys()
      throws Exception {
    // ChatGPT's document: auth methods none and private_key_jwt, RS256, keys at a jwks_uri.
    String clientId = documentUrl("/keyed-client.json");
    RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.RS256).generate();
    published.put("/keyed-client/jwks.json", new JWKSet(key.toPublicJWK()).toString());
    Map<String, Object> document = metadata(clientId, "Keyed assistant");
    document.remove("token_endpoint_auth_method");
    document.put("token_endpoint_auth_methods_supported", List.of("none", "private_key_jwt"));
    document.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS256"));
    document.put("jwks_uri", documentUrl("/keyed-client/jwks.json"));
    published.put("/keyed-client.json", JSON.writeValueAsString(document));
    Path keyFile = Files.writeString(files.resolve("keyed-client-key.json"),
        JSON.writeValueAsString(Map.of("privateKeyJwk", key.toJSONObject(), "algorithm", "RS256")));

    JsonNode report = signInWithDocument(clientId, keyFile);
    assertThat(fetched).contains("/keyed-client.json", "/keyed-client/jwks.json");
    assertThat(tokenRequests(report)).allSatisfy(h ->
        assertThat(h.get("clientAuthentication").asText()).isEqualTo("private_key_jwt"));
  }

  /**
   * Runs ts-client-cimd.mjs as {@code clientId} (with {@code keyFile}, also proving itself with
   * private_key_jwt) and checks the flow every metadata document client goes through.
   */
  private static JsonNode signInWithDocument(String clientId, Path keyFile) throws Exception {
    List<String> args = new ArrayList<>(List.of(example.mcpEndpoint().toString(), "alice", PASSWORD, clientId));
    if (keyFile != null) {
      args.add(keyFile.toString());
    }
    NodeProcess.Result result = NodeProcess.node(180, "ts-client-cimd.mjs", args.toArray(String[]::new));
    String diagnostics = result.stdout() + result.stderr() + "\nexample:\n" + example.output();
    JsonNode report = JSON.readTree(result.lastLine());
    assertThat(report.path("ok").asBoolean()).as(diagnostics).isTrue();

    // Discovery then straight to authorization: the metadata advertised documents, so no registration.
    List<String> exchanges = ClientReport.exchanges(report);
    assertThat(exchanges).containsSubsequence(
        "POST /mcp 401",
        "GET /.well-known/oauth-protected-resource/mcp 200",
        "GET /.well-known/oauth-authorization-server 200",
        "GET /authorize 200",
        "POST /authorize/consent 302",
        "POST /token 200",
        "POST /mcp 200");
    assertThat(exchanges).noneMatch(e -> e.contains("/register"));

    JsonNode authorize = ClientReport.step(report, "authorize");
    assertThat(authorize.get("clientId").asText()).isEqualTo(clientId);
    assertThat(authorize.get("storedClientId").asText()).isEqualTo(clientId);
    assertThat(authorize.get("redirectUri").asText()).isEqualTo(REDIRECT_URI);
    assertThat(authorize.get("iss").asText()).isEqualTo(baseUrl());
    assertThat(tokenRequests(report)).extracting(h -> h.get("grantType").asText() + " " + h.get("status").asInt())
        .containsExactly("authorization_code 200", "refresh_token 200");
    assertThat(ClientReport.step(report, "token").get("hasRefreshToken").asBoolean()).isTrue();

    assertThat(ClientReport.step(report, "tools/list").get("tools")).extracting(JsonNode::asText)
        .containsExactly("whoami", "write_note");
    for (String step : List.of("whoami", "refresh")) {
      JsonNode whoami = ClientReport.step(report, step);
      assertThat(whoami.get("subject").asText()).as(step).isEqualTo("alice");
      assertThat(whoami.get("client_id").asText()).as(step).isEqualTo(clientId);
      assertThat(whoami.get("client_token").asBoolean()).as(step).isFalse();
      assertThat(whoami.get("scopes")).as(step).extracting(JsonNode::asText).containsExactly("mcp:read");
    }
    assertThat(ClientReport.step(report, "refresh").get("rotated").asBoolean()).isTrue();
    return report;
  }

  @Test
  void clientCredentialsProviderWhenAuthenticatingWithItsSecretThenActsAsItselfWithinItsScope() throws Exception {
    JsonNode report = machine(Map.of("provider", "client-secret", "clientId", REPORTS_CLIENT,
        "clientSecret", reportsSecret));
    assertThat(report.path("ok").asBoolean()).as(report.toString()).isTrue();
    JsonNode token = tokenRequest(report);
    assertThat(token.get("grantType").asText()).isEqualTo("client_credentials");
    assertThat(token.get("clientAuthentication").asText()).isEqualTo("client_secret_basic");
    assertThat(token.get("status").asInt()).isEqualTo(200);
    assertThat(ClientReport.step(report, "connect").get("refreshToken").asBoolean()).as("RFC 6749 §4.4.3").isFalse();
    JsonNode whoami = ClientReport.step(report, "whoami");
    assertThat(whoami.get("subject").asText()).isEqualTo(REPORTS_CLIENT);
    assertThat(whoami.get("client_id").asText()).isEqualTo(REPORTS_CLIENT);
    assertThat(whoami.get("client_token").asBoolean()).isTrue();
    assertThat(whoami.get("scopes")).extracting(JsonNode::asText).containsExactly("mcp:read");

    // Asking beyond the scope its registration allows gets no token at all.
    JsonNode beyond = machine(Map.of("provider", "client-secret", "clientId", REPORTS_CLIENT,
        "clientSecret", reportsSecret, "scope", "mcp:read mcp:write"));
    assertThat(beyond.path("ok").asBoolean()).as(beyond.toString()).isFalse();
    JsonNode refused = tokenRequest(beyond);
    assertThat(refused.get("status").asInt()).isEqualTo(400);
    assertThat(refused.get("error").get("error").asText()).isEqualTo("invalid_scope");
    assertThat(beyond.get("http")).noneMatch(h -> h.get("path").asText().equals("/mcp") && h.get("status").asInt() == 200);
  }

  @Test
  void privateKeyJwtProviderWhenSigningWithItsRegisteredKeyThenActsAsItselfWithItsScopes() throws Exception {
    JsonNode report = machine(Map.of("provider", "private-key-jwt", "clientId", LEDGER_CLIENT,
        "privateKeyJwk", ledgerKey.toJSONObject(), "algorithm", "ES256", "scope", "mcp:read mcp:write",
        "tool", Map.of("name", "write_note", "arguments", Map.of("text", "reconciled"))));
    assertThat(report.path("ok").asBoolean()).as(report.toString()).isTrue();
    JsonNode token = tokenRequest(report);
    assertThat(token.get("grantType").asText()).isEqualTo("client_credentials");
    assertThat(token.get("clientAuthentication").asText()).isEqualTo("private_key_jwt");
    assertThat(token.get("status").asInt()).isEqualTo(200);
    JsonNode whoami = ClientReport.step(report, "whoami");
    assertThat(whoami.get("subject").asText()).isEqualTo(LEDGER_CLIENT);
    assertThat(whoami.get("client_id").asText()).isEqualTo(LEDGER_CLIENT);
    assertThat(whoami.get("client_token").asBoolean()).isTrue();
    assertThat(whoami.get("scopes")).extracting(JsonNode::asText).containsExactly("mcp:read", "mcp:write");
    JsonNode note = ClientReport.step(report, "write_note");
    assertThat(note.get("isError").asBoolean()).isFalse();
    assertThat(note.get("text").asText()).isEqualTo("Saved a note for " + LEDGER_CLIENT + ": reconciled");
  }

  @Test
  void authorizeWhenTheMetadataDocumentCannotBeFetchedThenPageSaysSoAndRedirectsNowhere() throws Exception {
    String clientId = documentUrl("/published-late.json");
    HttpResponse<String> page = authorize(clientId);
    assertThat(fetched).contains("/published-late.json");
    assertErrorPage(page, "The client&#39;s metadata document could not be fetched");

    // Errors are not remembered: once the document is there, the same client id works at once.
    published.put("/published-late.json", document(clientId, "Late publisher"));
    HttpResponse<String> consent = authorize(clientId);
    assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
    assertThat(consent.body()).contains("Authorize Late publisher")
        .contains("as claimed by its metadata, published at <span class=\"host\">localhost:" + documents.getAddress().getPort() + "</span>");
  }

  @Test
  void authorizeWhenTheDocumentNamesAnotherClientIdThenPageSaysItIsInvalid() throws Exception {
    HttpResponse<String> page = authorize(documentUrl("/impostor.json"));
    assertThat(fetched).contains("/impostor.json");
    assertErrorPage(page, "The client&#39;s metadata document is invalid: its client_id is not exactly the URL");
  }

  /** An error page for the user: nothing is sent to a redirect URI the server could not verify. */
  private static void assertErrorPage(HttpResponse<String> page, String says) {
    assertThat(page.statusCode()).as(page.body()).isEqualTo(400);
    assertThat(page.headers().firstValue("Location")).isEmpty();
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(page.body()).contains(says);
  }

  /** A browser opening an authorization request as ts-client-cimd.mjs would send it. */
  private static HttpResponse<String> authorize(String clientId) throws Exception {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", clientId);
    query.put("redirect_uri", REDIRECT_URI);
    query.put("code_challenge", PublicHost.challenge(UUID.randomUUID() + "-" + UUID.randomUUID()));
    query.put("code_challenge_method", "S256");
    query.put("state", UUID.randomUUID().toString());
    query.put("scope", "mcp:read");
    query.put("resource", example.mcpEndpoint().toString());
    String encoded = query.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/authorize?" + encoded)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Runs ts-client-machine.mjs with {@code client} (secrets in a file, not on the command line). */
  private static JsonNode machine(Map<String, Object> client) throws Exception {
    Path file = Files.writeString(files.resolve("machine-" + UUID.randomUUID() + ".json"), JSON.writeValueAsString(client));
    NodeProcess.Result result = NodeProcess.node(120, "ts-client-machine.mjs",
        example.mcpEndpoint().toString(), baseUrl(), file.toString());
    return JSON.readTree(result.lastLine());
  }

  /** The one token request of a machine client's run. */
  private static JsonNode tokenRequest(JsonNode report) {
    List<JsonNode> requests = tokenRequests(report);
    assertThat(requests).as(report.toString()).hasSize(1);
    return requests.get(0);
  }

  private static List<JsonNode> tokenRequests(JsonNode report) {
    List<JsonNode> requests = new ArrayList<>();
    report.get("http").forEach(h -> {
      if (h.get("path").asText().equals("/token")) {
        requests.add(h);
      }
    });
    return requests;
  }

  private static String document(String clientId, String name) throws Exception {
    return JSON.writeValueAsString(metadata(clientId, name));
  }

  /** A public client's metadata, for ts-client-cimd.mjs's redirect URI. */
  private static Map<String, Object> metadata(String clientId, String name) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("client_id", clientId);
    metadata.put("client_name", name);
    metadata.put("redirect_uris", List.of(REDIRECT_URI));
    metadata.put("grant_types", List.of("authorization_code", "refresh_token"));
    metadata.put("response_types", List.of("code"));
    metadata.put("token_endpoint_auth_method", "none");
    return metadata;
  }

  private static String documentUrl(String path) {
    return "https://localhost:" + documents.getAddress().getPort() + path;
  }

  private static String baseUrl() {
    String endpoint = example.mcpEndpoint().toString();
    return endpoint.substring(0, endpoint.length() - "/mcp".length());
  }
}
