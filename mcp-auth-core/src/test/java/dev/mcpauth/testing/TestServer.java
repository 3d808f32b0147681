package dev.mcpauth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.authorization.Decision;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An authorization server on a test clock, with the steps of a client and a user as methods. Every
 * step goes through the public endpoints, as an adapter would call them.
 */
public final class TestServer {
  public static final String ISSUER = "https://as.example.com";
  public static final String RESOURCE = "https://as.example.com/mcp";
  public static final String OTHER_RESOURCE = "https://other.example.com/mcp";
  public static final String USER = "alice";

  public final MutableClock clock = MutableClock.atStart();
  public final RecordingListener events = new RecordingListener();
  public final AuthorizationServer server;

  private TestServer(Consumer<AuthorizationServer.Builder> customizer) {
    AuthorizationServer.Builder builder = AuthorizationServer.builder()
        .issuer(ISSUER)
        .resource(RESOURCE)
        .scopes("mcp:read", "mcp:write")
        .defaultScopes("mcp:read")
        .clock(clock)
        .eventListener(events);
    customizer.accept(builder);
    this.server = builder.build();
  }

  public static TestServer create() {
    return new TestServer(builder -> {});
  }

  public static TestServer create(Consumer<AuthorizationServer.Builder> customizer) {
    return new TestServer(customizer);
  }

  // Registration

  public EndpointResponse register(String json) {
    return server.registrationEndpoint().handle(EndpointRequest.json(json));
  }

  public TestClient registerPublic(String... redirectUris) {
    return registerWith("none", redirectUris);
  }

  public TestClient registerWith(String authMethod, String... redirectUris) {
    StringBuilder uris = new StringBuilder();
    for (String uri : redirectUris) {
      uris.append(uris.length() == 0 ? "" : ",").append('"').append(uri).append('"');
    }
    EndpointResponse response = register(
        "{\"redirect_uris\":[" + uris + "],\"token_endpoint_auth_method\":\"" + authMethod
            + "\",\"client_name\":\"Test Client\",\"grant_types\":[\"authorization_code\",\"refresh_token\"]}");
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    JsonNode json = Json.parse(response.body());
    String secret = json.hasNonNull("client_secret") ? json.get("client_secret").asText() : null;
    return new TestClient(json.get("client_id").asText(), secret, authMethod, List.of(redirectUris));
  }

  // Authorization

  public Map<String, String> authorizeParams(TestClient client, Pkce pkce) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", client.clientId());
    params.put("redirect_uri", client.redirectUri());
    params.put("code_challenge", pkce.challenge());
    params.put("code_challenge_method", "S256");
    params.put("state", "state-123");
    params.put("resource", RESOURCE);
    params.put("scope", "mcp:read");
    return params;
  }

  public AuthorizationStep authorize(Map<String, String> params) {
    return server.authorizationEndpoint().start(EndpointRequest.get(encode(params)));
  }

  /** Starts the authorization, approves every requested scope as {@link #USER}, returns the redirect. */
  public URI approve(Map<String, String> params) {
    AuthorizationStep step = authorize(params);
    assertThat(step).as("authorization step").isInstanceOf(AuthorizationStep.Interaction.class);
    AuthorizationStep.Interaction interaction = (AuthorizationStep.Interaction) step;
    AuthorizationStep done = server.authorizationEndpoint().complete(
        interaction.handle(), Decision.approve(USER, interaction.request().scopes()));
    assertThat(done).isInstanceOf(AuthorizationStep.Redirect.class);
    return ((AuthorizationStep.Redirect) done).location();
  }

  public String code(TestClient client, Pkce pkce) {
    return query(approve(authorizeParams(client, pkce))).get("code");
  }

  // Token endpoint

  public EndpointResponse token(TestClient client, Map<String, String> form) {
    Map<String, String> params = new LinkedHashMap<>(form);
    EndpointRequest request;
    switch (client.authMethod()) {
      case "client_secret_basic" -> request = EndpointRequest.form(encode(params)).withHeader("Authorization", basic(client));
      case "client_secret_post" -> {
        params.putIfAbsent("client_id", client.clientId());
        params.putIfAbsent("client_secret", client.clientSecret());
        request = EndpointRequest.form(encode(params));
      }
      default -> {
        params.putIfAbsent("client_id", client.clientId());
        request = EndpointRequest.form(encode(params));
      }
    }
    return server.tokenEndpoint().handle(request);
  }

  public EndpointResponse exchange(TestClient client, String code, Pkce pkce) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", client.redirectUri());
    form.put("code_verifier", pkce.verifier());
    form.put("resource", RESOURCE);
    return token(client, form);
  }

  public EndpointResponse refresh(TestClient client, String refreshToken) {
    return token(client, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
  }

  /** The whole flow: authorize, approve, exchange. */
  public TokenPair tokens(TestClient client) {
    Pkce pkce = Pkce.generate();
    EndpointResponse response = exchange(client, code(client, pkce), pkce);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return TokenPair.from(response);
  }

  // Helpers

  public static String basic(TestClient client) {
    String pair = URLUtils.serializeParameters(Map.of("a", List.of(client.clientId()))).substring(2)
        + ":" + URLUtils.serializeParameters(Map.of("a", List.of(client.clientSecret()))).substring(2);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  public static String encode(Map<String, String> params) {
    Map<String, List<String>> multi = new LinkedHashMap<>();
    params.forEach((k, v) -> multi.put(k, List.of(v)));
    return URLUtils.serializeParameters(multi);
  }

  public static Map<String, String> query(URI uri) {
    Map<String, String> single = new LinkedHashMap<>();
    URLUtils.parseParameters(uri.getRawQuery()).forEach((k, v) -> single.put(k, v.get(0)));
    return single;
  }

  public static Set<String> scopes(String... scopes) {
    return Set.of(scopes);
  }

  /** The tokens of a successful token response. */
  public record TokenPair(String accessToken, String refreshToken, JsonNode json) {
    public static TokenPair from(EndpointResponse response) {
      JsonNode json = Json.parse(response.body());
      return new TokenPair(json.get("access_token").asText(),
          json.hasNonNull("refresh_token") ? json.get("refresh_token").asText() : null, json);
    }

    @Override
    public String toString() {
      return "TokenPair[redacted]";
    }
  }
}
