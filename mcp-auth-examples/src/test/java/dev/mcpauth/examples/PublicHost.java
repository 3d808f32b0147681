package dev.mcpauth.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A client and a browser that reach replicas directly, each request to the replica the test picks,
 * while presenting the one public host they all serve (as a load balancer forwards {@code Host}).
 * Needs {@code -Djdk.httpclient.allowRestrictedHeaders=host}, which the build's Surefire setup gives.
 */
final class PublicHost {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  static final String REDIRECT_URI = "http://127.0.0.1:53999/callback";

  private final String host;

  /** @param host the public {@code host:port} */
  PublicHost(String host) {
    this.host = host;
  }

  String baseUrl() {
    return "http://" + host;
  }

  HttpResponse<String> send(int replicaPort, String method, String path, String contentType, String body,
      Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicaPort + path))
        .timeout(Duration.ofSeconds(20))
        .header("Host", host)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> form(int replicaPort, String path, Map<String, String> fields) throws Exception {
    return send(replicaPort, "POST", path, "application/x-www-form-urlencoded", encode(fields), Map.of());
  }

  String register(int replicaPort) throws Exception {
    HttpResponse<String> response = send(replicaPort, "POST", "/register", "application/json",
        "{\"client_name\":\"replica test\",\"redirect_uris\":[\"" + REDIRECT_URI + "\"],\"token_endpoint_auth_method\":\"none\"}",
        Map.of());
    if (response.statusCode() != 201) {
      throw new IllegalStateException("registration answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body()).get("client_id").asText();
  }

  /** The whole front channel: the authorization page on one replica, the consent on another; returns the code. */
  String authorize(String clientId, String verifier, String scope, int pageReplica, int consentReplica) throws Exception {
    return authorize(clientId, verifier, scope, pageReplica, consentReplica, "alice", "wonderland");
  }

  /** As above, {@code user} logging in at the consent page. */
  String authorize(String clientId, String verifier, String scope, int pageReplica, int consentReplica, String user,
      String password) throws Exception {
    String query = encode(Map.of("response_type", "code", "client_id", clientId, "redirect_uri", REDIRECT_URI,
        "code_challenge", challenge(verifier), "code_challenge_method", "S256", "state", "s1", "scope", scope,
        "resource", baseUrl() + "/mcp"));
    HttpResponse<String> page = send(pageReplica, "GET", "/authorize?" + query, null, null, Map.of());
    if (page.statusCode() != 200) {
      throw new IllegalStateException("authorization page answered " + page.statusCode() + ": " + page.body());
    }
    String cookie = page.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    String action = field(page.body(), "<form method=\"post\" action=\"([^\"]+)\"").replace("&amp;", "&");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("handle", field(page.body(), "name=\"handle\" value=\"([^\"]*)\""));
    form.put("form_token", field(page.body(), "name=\"form_token\" value=\"([^\"]*)\""));
    form.put("decision", "approve");
    form.put("username", user);
    form.put("password", password);
    HttpResponse<String> answer = send(consentReplica, "POST", action, "application/x-www-form-urlencoded", encode(form),
        Map.of("Cookie", cookie));
    String location = answer.headers().firstValue("Location")
        .orElseThrow(() -> new IllegalStateException("consent answered " + answer.statusCode() + ": " + answer.body()));
    Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
    if (!code.find()) {
      throw new IllegalStateException("no code in " + location);
    }
    return code.group(1);
  }

  JsonNode exchange(int replicaPort, String clientId, String code, String verifier) throws Exception {
    return tokens(form(replicaPort, "/token", Map.of("grant_type", "authorization_code", "code", code,
        "redirect_uri", REDIRECT_URI, "code_verifier", verifier, "client_id", clientId, "resource", baseUrl() + "/mcp")));
  }

  HttpResponse<String> refresh(int replicaPort, String clientId, String refreshToken) throws Exception {
    return form(replicaPort, "/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
        "client_id", clientId));
  }

  static JsonNode tokens(HttpResponse<String> response) throws Exception {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** {@code tools/call whoami} through a full MCP session on one replica; the HTTP status of the call. */
  int whoami(int replicaPort, String accessToken) throws Exception {
    Map<String, String> auth = Map.of("Authorization", "Bearer " + accessToken, "Accept", "application/json, text/event-stream");
    HttpResponse<String> init = send(replicaPort, "POST", "/mcp", "application/json",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", auth);
    if (init.statusCode() != 200) {
      return init.statusCode();
    }
    Map<String, String> session = new LinkedHashMap<>(auth);
    session.put("Mcp-Session-Id", init.headers().firstValue("Mcp-Session-Id").orElseThrow());
    send(replicaPort, "POST", "/mcp", "application/json", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", session);
    return send(replicaPort, "POST", "/mcp", "application/json",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"arguments\":{}}}",
        session).statusCode();
  }

  static String challenge(String verifier) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  private static String field(String html, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(html);
    if (!matcher.find()) {
      throw new IllegalStateException("no " + regex + " in the page");
    }
    return matcher.group(1);
  }

  private static String encode(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
