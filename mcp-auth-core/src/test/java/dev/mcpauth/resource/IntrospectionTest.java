package dev.mcpauth.resource;

import static dev.mcpauth.resource.ResourceServerTest.RESOURCE;
import static dev.mcpauth.resource.ResourceServerTest.catchOAuth;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 7662 introspection of opaque tokens at the external issuer, and its cache. */
class IntrospectionTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  private final long now = clock.instant().getEpochSecond();
  private final TestIssuer issuer = newIssuer();
  private final AtomicReference<String> answer = new AtomicReference<>();
  private final TokenVerifier verifier = ResourceServerTest.resourceServer(
      issuer.introspection(200, token -> token.equals("opaque-1") ? answer.get() : "{\"active\":false}"),
      b -> b.introspection("mcp-resource", "resource-secret").clock(clock).claimsMapping(ClaimsMapping.AUTH0)).verifier();

  @AfterEach
  void stop() {
    issuer.close();
  }

  @Test
  void verifyWhenActiveForThisResourceThenAcceptedAndCachedUntilTheCacheLifetime() {
    answer.set(active(now + 3600, RESOURCE));
    VerifiedToken token = verifier.verify("opaque-1");
    assertThat(token.subject()).isEqualTo("alice");
    assertThat(token.clientId()).isEqualTo("claude");
    assertThat(token.scopes()).containsExactlyInAnyOrder("mcp:read", "notes:write"); // scope + Auth0 permissions
    assertThat(token.expiresAt()).isEqualTo(Instant.ofEpochSecond(now + 3600));
    assertThat(issuer.lastIntrospectionAuthorization()).isEqualTo("Basic "
        + java.util.Base64.getEncoder().encodeToString("mcp-resource:resource-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    verifier.verify("opaque-1");
    assertThat(issuer.hits("/introspect")).as("cached").isEqualTo(1);
    answer.set("{\"active\":false}"); // revoked at the issuer
    clock.advance(Duration.ofSeconds(31));
    assertThat(catchOAuth(() -> verifier.verify("opaque-1")).description()).contains("not active");
    assertThat(issuer.hits("/introspect")).isEqualTo(2);
  }

  @Test
  void verifyWhenTokenExpiresBeforeTheCacheLifetimeThenTheCacheDoesNotOutliveIt() {
    answer.set(active(now + 5, RESOURCE));
    verifier.verify("opaque-1");
    clock.advance(Duration.ofSeconds(6));
    // Past exp: introspected again, not served from the cache (the issuer still says active here,
    // so only the skew-tolerant exp check refuses later).
    verifier.verify("opaque-1");
    assertThat(issuer.hits("/introspect")).isEqualTo(2);
    clock.advance(Duration.ofSeconds(30));
    assertThat(catchOAuth(() -> verifier.verify("opaque-1")).description()).contains("expired");
  }

  @Test
  void verifyWhenAudienceMissingOrForeignOrIssuerWrongThenRefused() {
    answer.set(active(now + 3600, "https://other.example/mcp"));
    assertThat(catchOAuth(() -> verifier.verify("opaque-1")).description()).contains("another resource");
    answer.set("{\"active\":true,\"sub\":\"alice\",\"exp\":" + (now + 3600) + "}");
    assertThat(catchOAuth(() -> verifier.verify("opaque-1")).description()).contains("another resource");
    answer.set(active(now + 3600, RESOURCE).replace(issuer.issuer(), "https://evil.example"));
    assertThat(catchOAuth(() -> verifier.verify("opaque-1")).description()).contains("another server");
  }

  @Test
  void verifyWhenIntrospectionFailsThen503NeverAcceptance() {
    issuer.introspection(500, token -> "<html>oops</html>");
    assertThat(catchOAuth(() -> verifier.verify("opaque-1")).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    issuer.introspection(401, token -> "{\"error\":\"invalid_client\"}");
    assertThat(catchOAuth(() -> verifier.verify("opaque-1")).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    issuer.introspection(200, token -> "not json");
    assertThat(catchOAuth(() -> verifier.verify("opaque-1")).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
  }

  @Test
  void verifyWhenIntrospectionFailsOnEveryRequestThenOneErrorLinePerMinuteWithACount() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(IntrospectionVerifier.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      issuer.introspection(500, token -> "<html>oops</html>");
      for (int i = 0; i < 50; i++) {
        String token = "anonymous-" + i;
        assertThat(catchOAuth(() -> verifier.verify(token)).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
      }
      assertThat(lines.list).hasSize(1);

      clock.advance(Duration.ofSeconds(61));
      catchOAuth(() -> verifier.verify("anonymous-50"));

      assertThat(lines.list).hasSize(2);
      assertThat(lines.list.get(1).getFormattedMessage())
          .endsWith("(49 more like this within 60 s of the last one were not logged)");
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void verifyWhenUnknownTokenThenInvalidToken() {
    assertThat(catchOAuth(() -> verifier.verify("never-issued")).code()).isEqualTo(ErrorCode.INVALID_TOKEN);
  }

  private String active(long exp, String audience) {
    return "{\"active\":true,\"iss\":\"" + issuer.issuer() + "\",\"sub\":\"alice\",\"client_id\":\"claude\","
        + "\"scope\":\"mcp:read\",\"permissions\":[\"notes:write\"],\"aud\":[\"" + audience + "\"],\"exp\":" + exp + "}";
  }

  private static TestIssuer newIssuer() {
    try {
      return new TestIssuer("");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
