package dev.mcpauth.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An MCP client as a person uses it, over real HTTP: registers, logs in and approves on the consent
 * page, exchanges the code, opens an MCP session and calls a tool. Every step checks its answer.
 */
final class LegitimateClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REDIRECT = "http://127.0.0.1:33418/callback";
  /** An https redirect: the only kind for which a consent may be remembered. */
  private static final String WEB_REDIRECT = "https://app.example.com/callback";

  private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
  private final String baseUrl;
  private final URI mcpEndpoint;
  private String accessToken;
  private String session;

  LegitimateClient(String baseUrl, URI mcpEndpoint) {
    this.baseUrl = baseUrl;
    this.mcpEndpoint = mcpEndpoint;
  }

  /** Registration, consent as {@code user}, code exchange, MCP initialize. */
  LegitimateClient connect(String user, String password) throws Exception {
    accessToken = authorizeWithLogin(register(), user, password);
    return initialize();
  }

  /** An MCP session without a token, for an MCP endpoint without the guard (the load run's baseline). */
  LegitimateClient connectWithoutToken() throws Exception {
    return initialize();
  }

  /**
   * One complete authorization-code flow with PKCE for {@code clientId}: the authorization request,
   * login and consent as {@code user}, the code exchanged; the access token.
   */
  String authorizeWithLogin(String clientId, String user, String password) throws Exception {
    return authorize(clientId, REDIRECT, Map.of("username", user, "password", password));
  }

  /**
   * One complete flow in a browser already signed in (a login session): the page asks for no
   * password, the user approves, the code is exchanged; the access token.
   */
  String authorizeSignedIn(String clientId) throws Exception {
    return authorize(clientId, REDIRECT, Map.of());
  }

  /**
   * Signs in as {@code user} and approves {@code clientId} (registered by {@link #registerWeb}) with
   * "remember my approval"; the access token.
   */
  String authorizeRemembering(String clientId, String user, String password) throws Exception {
    return authorize(clientId, WEB_REDIRECT, Map.of("username", user, "password", password, "remember", "yes"));
  }

  /** One complete flow whose consent this browser remembers: the authorization request answers with the code. */
  String authorizeRemembered(String clientId) throws Exception {
    CodeVerifier verifier = new CodeVerifier();
    HttpResponse<String> redirected = http.send(HttpRequest.newBuilder(authorizationRequest(clientId, verifier, WEB_REDIRECT))
        .build(), HttpResponse.BodyHandlers.ofString());
    expect(redirected, 302);
    return exchange(clientId, verifier, WEB_REDIRECT, redirected.headers().firstValue("Location").orElseThrow());
  }

  private String authorize(String clientId, String redirect, Map<String, String> credentials) throws Exception {
    CodeVerifier verifier = new CodeVerifier();
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(authorizationRequest(clientId, verifier, redirect)).build(),
        HttpResponse.BodyHandlers.ofString());
    expect(page, 200);
    Map<String, String> fields = new LinkedHashMap<>(Map.of("handle", field(page.body(), "handle"),
        "form_token", field(page.body(), "form_token"), "decision", "approve"));
    fields.putAll(credentials);
    HttpResponse<String> approved = post(baseUrl + "/authorize/consent", "application/x-www-form-urlencoded", form(fields));
    expect(approved, 302);
    return exchange(clientId, verifier, redirect, approved.headers().firstValue("Location").orElseThrow());
  }

  private URI authorizationRequest(String clientId, CodeVerifier verifier, String redirect) {
    return URI.create(baseUrl + "/authorize?" + form(Map.of("response_type", "code", "client_id", clientId,
        "redirect_uri", redirect, "code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue(),
        "code_challenge_method", "S256", "state", "s", "resource", mcpEndpoint.toString(), "scope", "mcp:read")));
  }

  private String exchange(String clientId, CodeVerifier verifier, String redirect, String location) throws Exception {
    String code = URLDecoder.decode(location.replaceAll(".*[?&]code=([^&]+).*", "$1"), StandardCharsets.UTF_8);
    HttpResponse<String> token = post(baseUrl + "/token", "application/x-www-form-urlencoded", form(Map.of(
        "grant_type", "authorization_code", "code", code, "redirect_uri", redirect, "client_id", clientId,
        "code_verifier", verifier.getValue(), "resource", mcpEndpoint.toString())));
    expect(token, 200);
    return JSON.readTree(token.body()).get("access_token").asText();
  }

  private LegitimateClient initialize() throws Exception {
    HttpResponse<String> initialized = mcp(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"load\",\"version\":\"1\"}}}");
    expect(initialized, 200);
    session = initialized.headers().firstValue("Mcp-Session-Id").orElse(null);
    mcp("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return this;
  }

  static final String REGISTRATION = registration(REDIRECT);
  static final String CALL_TOOL = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"arguments\":{}}}";

  /** One {@code whoami} call; throws unless it answered 200. */
  void callTool() throws Exception {
    expect(mcp(CALL_TOOL), 200);
  }

  /** The headers of this client's MCP requests (its token and session), for another load generator. */
  Map<String, String> mcpHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json, text/event-stream");
    headers.put("MCP-Protocol-Version", "2025-06-18");
    if (accessToken != null) {
      headers.put("Authorization", "Bearer " + accessToken);
    }
    if (session != null) {
      headers.put("Mcp-Session-Id", session);
    }
    return headers;
  }

  URI mcpEndpoint() {
    return mcpEndpoint;
  }

  /** One login attempt on the consent page (a new authorization each time); the status of the answer. */
  int attemptLogin(String clientId, String user, String password) throws Exception {
    HttpResponse<String> page = http.send(
        HttpRequest.newBuilder(authorizationRequest(clientId, new CodeVerifier(), REDIRECT)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (page.statusCode() != 200) {
      return page.statusCode();
    }
    return post(baseUrl + "/authorize/consent", "application/x-www-form-urlencoded",
        form(Map.of("handle", field(page.body(), "handle"), "form_token", field(page.body(), "form_token"),
            "decision", "approve", "username", user, "password", password))).statusCode();
  }

  /** A client with an https redirect URI; its client id. */
  String registerWeb() throws Exception {
    return register(registration(WEB_REDIRECT));
  }

  String register() throws Exception {
    return register(REGISTRATION);
  }

  private String register(String metadata) throws Exception {
    HttpResponse<String> registered = post(baseUrl + "/register", "application/json", metadata);
    expect(registered, 201);
    return JSON.readTree(registered.body()).get("client_id").asText();
  }

  /** A public client's registration request for {@code redirect}. */
  private static String registration(String redirect) {
    return "{\"redirect_uris\":[\"" + redirect + "\"],\"token_endpoint_auth_method\":\"none\"}";
  }

  private HttpResponse<String> mcp(String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(mcpEndpoint)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2025-06-18")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (accessToken != null) {
      request.header("Authorization", "Bearer " + accessToken);
    }
    if (session != null) {
      request.header("Mcp-Session-Id", session);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String contentType, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void expect(HttpResponse<String> response, int status) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(response.request().uri().getPath() + " answered " + response.statusCode()
          + ", expected " + status);
    }
  }

  private static String field(String html, String name) {
    Matcher value = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
    if (!value.find()) {
      throw new IllegalStateException("the consent page has no " + name);
    }
    return value.group(1).replace("&amp;", "&");
  }

  static String form(Map<String, String> params) {
    return new LinkedHashMap<>(params).entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static JsonNode json(String body) throws Exception {
    return JSON.readTree(body);
  }
}
