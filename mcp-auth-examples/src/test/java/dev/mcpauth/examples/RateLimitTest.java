package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Open registration and the login form against the running example with its default limits, over
 * real HTTP: a registration burst from one address and password guessing are slowed with 429 and
 * {@code Retry-After}, while other addresses, named by a trusted proxy's {@code X-Forwarded-For},
 * and other users are untouched. Before rate limiting, all 3,000 registrations were stored and every
 * wrong password was answered at once.
 */
class RateLimitTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CALLBACK = "http://127.0.0.1:49999/callback";

  private ExampleServer server;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .cookieHandler(new CookieManager()).build();

  @BeforeEach
  void start() throws Exception {
    // The test itself is the trusted proxy: it names each request's client in X-Forwarded-For.
    server = ExampleServer.start(ExampleOptions.parse(Map.of(), "--port", "0", "--user", "alice:wonderland",
        "--user", "bob:builder", "--trusted-proxy", "127.0.0.0/8", "--trusted-proxy", "::1/128"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void registrationBurstFromOneAddressWhenOverDefaultLimitThen429WhileAnotherAddressStillRegisters() throws Exception {
    int accepted = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 3_000 && refused == null; i++) {
      HttpResponse<String> response = register("203.0.113.7");
      if (response.statusCode() == 201) {
        accepted++;
      } else {
        refused = response;
      }
    }

    assertThat(refused).as("a refusal within 3,000 registrations").isNotNull();
    // The default: a burst of 600 per address, then one every 6 seconds (at most 50 more within the
    // test's 5 minutes).
    assertThat(accepted).isBetween(600, 650);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 6);
    assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("slow_down");
    assertThat(register("203.0.113.7").statusCode()).isEqualTo(429);
    // The client cannot name itself: what it writes left of the proxy's entry is not believed.
    assertThat(register("198.51.100.1, 203.0.113.7").statusCode()).isEqualTo(429);
    assertThat(register("198.51.100.1").statusCode()).isEqualTo(201);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void fortyWrongPasswordsForOneUserWhenOverDefaultLimitThen429ForHimAndUnknownUsersAlikeWhileAnotherUserLogsIn()
      throws Exception {
    String clientId = JSON.readTree(register("192.0.2.10").body()).get("client_id").asText();
    List<Integer> alice = new ArrayList<>();
    List<Integer> nobody = new ArrayList<>();
    List<String> retryAfters = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      HttpResponse<String> answer = login(clientId, "198.51.100.20", "alice", "wrong" + i);
      alice.add(answer.statusCode());
      answer.headers().firstValue("Retry-After").ifPresent(retryAfters::add);
      nobody.add(login(clientId, "198.51.100.21", "nobody", "wrong" + i).statusCode());
    }

    assertThat(alice.subList(0, 5)).containsOnly(200); // "Wrong user name or password."
    assertThat(alice.subList(5, 40)).containsOnly(429);
    assertThat(retryAfters).hasSize(35).allSatisfy(seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 12));
    assertThat(nobody).isEqualTo(alice); // an unknown user is answered exactly like a wrong password
    HttpResponse<String> rightPassword = login(clientId, "198.51.100.20", "alice", "wonderland");
    assertThat(rightPassword.statusCode()).isEqualTo(429); // while throttled, no password is checked
    assertThat(rightPassword.body()).contains("Too many failed logins");

    HttpResponse<String> bob = login(clientId, "192.0.2.30", "bob", "builder");
    assertThat(bob.statusCode()).as(bob.body()).isEqualTo(302);
    assertThat(bob.headers().firstValue("Location").orElseThrow()).startsWith(CALLBACK + "?code=");
  }

  private HttpResponse<String> register(String forwardedFor) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/register"))
        .header("Content-Type", "application/json").header("X-Forwarded-For", forwardedFor)
        .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"" + CALLBACK + "\"],"
            + "\"token_endpoint_auth_method\":\"none\",\"client_name\":\"Burst\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A fresh authorization request from {@code forwardedFor}, then its form submitted with these credentials. */
  private HttpResponse<String> login(String clientId, String forwardedFor, String username, String password)
      throws Exception {
    CodeVerifier verifier = new CodeVerifier();
    String query = form(Map.of("response_type", "code", "client_id", clientId, "redirect_uri", CALLBACK,
        "code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue(),
        "code_challenge_method", "S256", "state", "s", "scope", "mcp:read"));
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/authorize?" + query))
        .header("X-Forwarded-For", forwardedFor).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/authorize/consent"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("X-Forwarded-For", forwardedFor)
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("handle", field(page.body(), "handle"),
            "form_token", field(page.body(), "form_token"), "decision", "approve", "username", username,
            "password", password))))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String form(Map<String, String> values) {
    return values.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(),
            StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static String field(String html, String name) {
    Matcher matcher = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
    assertThat(matcher.find()).as("field " + name).isTrue();
    return matcher.group(1);
  }
}
