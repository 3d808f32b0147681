package dev.mcpauth.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.authorization.Decision;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A registered public MCP client of one server, taking each step of the flow through the public
 * endpoints exactly as a web adapter would hand requests to them. The benchmarks share it so they
 * all measure the same requests.
 *
 * <p>Every step checks its outcome and throws otherwise: an error response is cheap, so a benchmark
 * that silently measured refusals would report a fast and meaningless number.
 */
final class BenchmarkClient {
  static final String ISSUER = "https://as.example.com";
  static final String RESOURCE = "https://as.example.com/mcp";
  static final String SCOPE = "mcp:read mcp:write";
  static final String REDIRECT_URI = "http://127.0.0.1:33418/callback";
  static final String SUBJECT = "alice";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AuthorizationServer server;
  private final String clientId;
  private final String codeVerifier;
  /** Constant for a given client, so built once: the server's work is what is measured. */
  private final String authorizeQuery;

  private BenchmarkClient(AuthorizationServer server, String clientId) {
    this.server = server;
    this.clientId = clientId;
    // One PKCE pair for every authorization: the server keeps no record of challenges it has seen,
    // so reusing one costs it nothing, and the client-side hashing stays out of the measurement.
    CodeVerifier verifier = new CodeVerifier();
    this.codeVerifier = verifier.getValue();
    this.authorizeQuery = form(
        "response_type", "code",
        "client_id", clientId,
        "redirect_uri", REDIRECT_URI,
        "code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue(),
        "code_challenge_method", "S256",
        "state", "benchmark-state",
        "resource", RESOURCE,
        "scope", SCOPE);
  }

  /** A server as the benchmarks use it: one resource, two scopes, default in-memory storage. */
  static AuthorizationServer.Builder serverBuilder() {
    return AuthorizationServer.builder()
        .issuer(ISSUER)
        .resource(RESOURCE)
        .scopes("mcp:read", "mcp:write");
  }

  /** Registers a public client through the registration endpoint (RFC 7591). */
  static BenchmarkClient register(AuthorizationServer server) {
    EndpointResponse response = server.registrationEndpoint().handle(EndpointRequest.json(
        "{\"redirect_uris\":[\"" + REDIRECT_URI + "\"],"
            + "\"token_endpoint_auth_method\":\"none\","
            + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],"
            + "\"client_name\":\"Benchmark Client\"}"));
    return new BenchmarkClient(server, field(expect(201, response), "client_id"));
  }

  /** Starts an authorization, approves every requested scope, and returns the code. */
  String authorize() {
    AuthorizationStep step =
        server.authorizationEndpoint().start(EndpointRequest.get(authorizeQuery));
    if (!(step instanceof AuthorizationStep.Interaction interaction)) {
      throw new IllegalStateException("authorization was not started: " + describe(step));
    }
    AuthorizationStep done = server.authorizationEndpoint().complete(
        interaction.handle(), Decision.approve(SUBJECT, interaction.request().scopes()));
    if (!(done instanceof AuthorizationStep.Redirect redirect)) {
      throw new IllegalStateException("authorization was not completed: " + describe(done));
    }
    String code = queryParameter(redirect.location(), "code");
    if (code == null) {
      throw new IllegalStateException("authorization redirected with error "
          + queryParameter(redirect.location(), "error"));
    }
    return code;
  }

  /** Exchanges a code for an access and a refresh token. */
  EndpointResponse exchange(String code) {
    return expect(200, server.tokenEndpoint().handle(EndpointRequest.form(form(
        "grant_type", "authorization_code",
        "client_id", clientId,
        "code", code,
        "redirect_uri", REDIRECT_URI,
        "code_verifier", codeVerifier))));
  }

  /** Rotates a refresh token: the response has a new access token and a new refresh token. */
  EndpointResponse refresh(String refreshToken) {
    return expect(200, server.tokenEndpoint().handle(EndpointRequest.form(form(
        "grant_type", "refresh_token",
        "client_id", clientId,
        "refresh_token", refreshToken))));
  }

  /** A string member of a JSON response body. */
  static String field(EndpointResponse response, String name) {
    JsonNode value;
    try {
      value = JSON.readTree(response.body()).get(name);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response body is not JSON", e);
    }
    if (value == null || !value.isTextual()) {
      throw new IllegalStateException("response has no " + name);
    }
    return value.asText();
  }

  private static EndpointResponse expect(int status, EndpointResponse response) {
    if (response.status() != status) {
      // Error bodies carry an error code and description, never a credential.
      throw new IllegalStateException(
          "expected " + status + " but got " + response.status() + ": " + response.body());
    }
    return response;
  }

  private static String describe(AuthorizationStep step) {
    return step instanceof AuthorizationStep.ErrorPage page
        ? page.error().getMessage()
        : step.toString();
  }

  private static String form(String... namesAndValues) {
    StringBuilder encoded = new StringBuilder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (i > 0) {
        encoded.append('&');
      }
      encoded.append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
    }
    return encoded.toString();
  }

  /** The first value of a query parameter, or {@code null}. */
  private static String queryParameter(URI uri, String name) {
    String query = uri.getRawQuery();
    if (query == null) {
      return null;
    }
    String prefix = name + "=";
    for (String pair : query.split("&")) {
      if (pair.startsWith(prefix)) {
        return URLDecoder.decode(pair.substring(prefix.length()), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
