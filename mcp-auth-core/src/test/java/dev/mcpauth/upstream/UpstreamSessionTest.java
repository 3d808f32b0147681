package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.resource.TestIssuer;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.testing.Concurrently;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.token.Grant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The upstream tokens of a grant: refreshed single-flight, and the grant revoked when the provider refuses. */
class UpstreamSessionTest {
  private final MutableClock clock = new MutableClock(Instant.now());
  private final TestIssuer provider = newProvider();
  private final RotatingProvider rotating = newRotatingProvider();
  private final InMemoryStorage storage = new InMemoryStorage(clock);
  private final UpstreamTokenSealer sealer = UpstreamTokenSealer.of(UpstreamTokenSealer.newKey());
  private final List<String> revoked = new CopyOnWriteArrayList<>();
  private final UpstreamSession session = new UpstreamSession(upstreamProvider(), sealer, storage.upstreamTokens(),
      storage.grants(), revoked::add, clock);
  private final Grant grant = new Grant("grant-1", "client-1", "alice", Set.of("mcp:read"), "https://mcp.example.com/mcp",
      null, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", clock.instant(), clock.instant().plus(Duration.ofDays(1)));

  @AfterEach
  void stop() {
    provider.close();
    rotating.close();
  }

  @Test
  void tokensWhenFreshThenNoCallUpstream() {
    store(new UpstreamTokens("at-1", "rt-1", clock.instant().plus(Duration.ofMinutes(10)), null));
    assertThat(session.tokens(grant.id()).accessToken()).isEqualTo("at-1");
    assertThat(provider.hits("/token")).isZero();
  }

  @Test
  void tokensWhenAboutToExpireAndSixteenRequestsAskAtOnceThenOneRefreshServesThemAll() throws Exception {
    store(new UpstreamTokens("at-1", "rt-1", clock.instant().plus(Duration.ofSeconds(10)), null));
    provider.token(200, 300, form -> form.contains("refresh_token=rt-1")
        ? "{\"access_token\":\"at-2\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"rt-2\"}"
        : "{\"error\":\"invalid_grant\"}");

    List<String> tokens = Concurrently.run(16, () -> session.tokens(grant.id()).accessToken());

    assertThat(tokens).containsOnly("at-2");
    assertThat(provider.hits("/token")).isEqualTo(1);
    UpstreamTokens stored = sealer.open(storage.upstreamTokens().find(grant.id()).orElseThrow(), grant.id());
    assertThat(stored.refreshToken()).isEqualTo("rt-2");
    assertThat(revoked).isEmpty();
  }

  @Test
  void tokensWhenTheProviderRefusesTheRefreshThenTheGrantIsRevokedAndTheClientMustAuthorizeAgain() {
    store(new UpstreamTokens("at-1", "rt-1", clock.instant().plus(Duration.ofSeconds(10)), null));
    provider.token(400, 0, form -> "{\"error\":\"invalid_grant\"}");

    OAuthException refused = (OAuthException) catchThrowable(() -> session.tokens(grant.id()));

    assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(revoked).containsExactly(grant.id());
  }

  @Test
  void tokensWhenTheProviderIsDownThenTemporarilyUnavailableAndTheGrantKept() {
    store(new UpstreamTokens("at-1", "rt-1", clock.instant().plus(Duration.ofSeconds(10)), null));
    provider.token(503, 0, form -> "<html>down</html>");

    OAuthException refused = (OAuthException) catchThrowable(() -> session.tokens(grant.id()));
    OAuthException again = (OAuthException) catchThrowable(() -> session.tokens(grant.id()));

    assertThat(refused.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(again.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(provider.hits("/token")).as("the failed attempt's lease released: the next one goes upstream").isEqualTo(2);
    assertThat(revoked).isEmpty();
  }

  @Test
  void refreshedWhenTheProviderRejectedTheTokenThenRefreshedOnceEvenIfNotExpired() {
    store(new UpstreamTokens("at-1", "rt-1", clock.instant().plus(Duration.ofHours(1)), null));
    provider.token(200, 0, form -> "{\"access_token\":\"at-2\",\"token_type\":\"Bearer\",\"expires_in\":3600}");

    assertThat(session.refreshed(grant.id(), "at-1").accessToken()).isEqualTo("at-2");
    assertThat(session.refreshed(grant.id(), "at-1").accessToken()).as("already refreshed").isEqualTo("at-2");
    assertThat(provider.hits("/token")).isEqualTo(1);
    assertThat(sealer.open(storage.upstreamTokens().find(grant.id()).orElseThrow(), grant.id()).refreshToken())
        .as("kept when the provider sends no new one").isEqualTo("rt-1");
  }

  // The provider's refusal, in whatever form it comes (RFC 6749 §5.2)

  @Test
  void tokensWhenAProviderThatAnswersHtmlUnlessAskedForJsonRefusesTheRefreshThenTheGrantEnds() {
    store(new UpstreamTokens("at-1", "rt-never-issued", clock.instant().plus(Duration.ofSeconds(10)), null));

    OAuthException refused = (OAuthException) catchThrowable(() -> sessionAt(rotating).tokens(grant.id()));

    assertThat(refused.code()).as("the MCP client's answer: 401, authorize again").isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(rotating.accept("/token")).isEqualTo("application/json");
    assertThat(revoked).containsExactly(grant.id());
    assertThat(rotating.presentations("rt-never-issued")).as("one attempt, not one per request").isEqualTo(1);
  }

  @Test
  void tokensWhenTheProviderAnswersAnHtml400EvenToJsonThenTheGrantEnds() {
    store(new UpstreamTokens("at-1", "rt-never-issued", clock.instant().plus(Duration.ofSeconds(10)), null));
    rotating.htmlErrorsAlways();

    OAuthException refused = (OAuthException) catchThrowable(() -> sessionAt(rotating).tokens(grant.id()));

    assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(revoked).containsExactly(grant.id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"invalid_request", "invalid_scope", "unauthorized_client"})
  void tokensWhenTheProviderRefusesTheRefreshWithAnother400ErrorThenTheGrantEnds(String error) {
    store(new UpstreamTokens("at-1", "rt-1", clock.instant().plus(Duration.ofSeconds(10)), null));
    rotating.tokenAnswers(400, "application/json", "{\"error\":\"" + error + "\"}");

    OAuthException refused = (OAuthException) catchThrowable(() -> sessionAt(rotating).tokens(grant.id()));

    assertThat(refused.code()).as("sent again it would be refused again").isEqualTo(ErrorCode.INVALID_TOKEN);
    assertThat(revoked).containsExactly(grant.id());
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 429, 500, 502, 503})
  void tokensWhenTheProviderAnswersAnHtmlErrorOtherThan400ThenTemporarilyUnavailableAndTheGrantKept(int status) {
    store(new UpstreamTokens("at-1", "rt-1", clock.instant().plus(Duration.ofSeconds(10)), null));
    rotating.tokenAnswers(status, "text/html", "<!DOCTYPE html><html><body><h1>Bad Gateway</h1></body></html>");

    OAuthException refused = (OAuthException) catchThrowable(() -> sessionAt(rotating).tokens(grant.id()));

    assertThat(refused.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(revoked).isEmpty();
    assertThat(storage.upstreamTokens().find(grant.id())).isPresent();
  }

  @Test
  void tokensWhenTheProviderRefusesThisServersClientThenTemporarilyUnavailableAndTheGrantKept() {
    // invalid_client is this server's configuration at the provider, not the user's grant.
    store(new UpstreamTokens("at-1", "rt-1", clock.instant().plus(Duration.ofSeconds(10)), null));
    rotating.tokenAnswers(401, "application/json", "{\"error\":\"invalid_client\"}");

    OAuthException refused = (OAuthException) catchThrowable(() -> sessionAt(rotating).tokens(grant.id()));

    assertThat(refused.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(revoked).isEmpty();
  }

  private UpstreamSession sessionAt(RotatingProvider upstream) {
    return new UpstreamSession(upstream.upstreamProvider(), sealer, storage.upstreamTokens(), storage.grants(), revoked::add,
        clock);
  }

  private static RotatingProvider newRotatingProvider() {
    try {
      return new RotatingProvider();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void store(UpstreamTokens tokens) {
    storage.grants().save(grant);
    storage.upstreamTokens().save(grant.id(), sealer.seal(tokens, grant.id()), grant.expiresAt());
  }

  private UpstreamProvider upstreamProvider() {
    String base = provider.issuer();
    return UpstreamProvider.builder()
        .metadata("{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"" + base + "/authorize\","
            + "\"token_endpoint\":\"" + base + "/token\",\"response_types_supported\":[\"code\"]}")
        .client("mcp-auth", "upstream-secret")
        .callbackUri("http://localhost:8080/interaction/identity/callback")
        .build();
  }

  private static TestIssuer newProvider() {
    try {
      return new TestIssuer("");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
