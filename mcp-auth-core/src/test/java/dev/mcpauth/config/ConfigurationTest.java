package dev.mcpauth.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.token.SigningKey;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code build()} refuses inconsistent configuration, saying what to fix. */
class ConfigurationTest {
  private static AuthorizationServer.Builder valid() {
    return AuthorizationServer.builder().issuer("https://as.example.com").resource("https://as.example.com/mcp")
        .scopes("mcp:read");
  }

  private static void assertRefused(UnaryOperator<AuthorizationServer.Builder> change, String messagePart) {
    assertThatThrownBy(() -> change.apply(valid()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void buildWhenMinimalThenDefaultsAreSecure() {
    AuthorizationServer server = valid().build();

    assertThat(server.issuer()).isEqualTo("https://as.example.com");
    assertThat(server.endpoints().token().toString()).isEqualTo("https://as.example.com/token");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://as.example.com", "ftp://as.example.com", "as.example.com", "https://as.example.com/?q=1",
      "https://as.example.com/#f", "https://as.example.com/"})
  void buildWhenIssuerUnsafeOrNonCanonicalThenRefused(String issuer) {
    assertRefused(b -> b.issuer(issuer), "issuer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"})
  void buildWhenIssuerIsLoopbackHttpThenAccepted(String issuer) {
    assertThat(valid().issuer(issuer).resource(issuer + "/mcp").build().issuer()).isEqualTo(issuer);
  }

  @Test
  void buildWhenLoginSessionsAskedOfAStoreThatKeepsNoneThenRefusedElseOnByDefault() {
    dev.mcpauth.store.Storage memory = new dev.mcpauth.store.memory.InMemoryStorage(java.time.Clock.systemUTC());
    dev.mcpauth.store.Storage older = new dev.mcpauth.store.Storage() { // a store written before login sessions
      public dev.mcpauth.store.ClientStore clients() { return memory.clients(); }
      public dev.mcpauth.store.PendingAuthorizationStore pendingAuthorizations() { return memory.pendingAuthorizations(); }
      public dev.mcpauth.store.GrantStore grants() { return memory.grants(); }
      public dev.mcpauth.store.TokenStore tokens() { return memory.tokens(); }
      public dev.mcpauth.store.ClientAssertionStore clientAssertions() { return memory.clientAssertions(); }
      public dev.mcpauth.store.McpSessionStore mcpSessions() { return memory.mcpSessions(); }
    };

    assertThatThrownBy(() -> valid().storage(older).loginSessions(Duration.ofHours(1), Duration.ofDays(1)).build())
        .hasMessageContaining("loginSessions(...) needs a storage that keeps login sessions");
    assertThat(valid().storage(older).build().loginSessions()).isEmpty();
    assertThat(valid().storage(memory).build().loginSessions()).isPresent();
    assertThat(valid().storage(memory).withoutLoginSessions().build().loginSessions()).isEmpty();
    assertRefused(b -> b.loginSessions(Duration.ofDays(2), Duration.ofDays(1)), "login session idle timeout");
  }

  @Test
  void buildWhenIssuerMissingThenRefused() {
    assertThatThrownBy(() -> AuthorizationServer.builder().resource("https://as.example.com/mcp").build())
        .hasMessageContaining("issuer is required");
  }

  @Test
  void buildWhenNoResourceThenRefused() {
    assertThatThrownBy(() -> AuthorizationServer.builder().issuer("https://as.example.com").build())
        .hasMessageContaining("resource is required");
  }

  @Test
  void buildWhenResourceIsPlainHttpThenRefused() {
    assertRefused(b -> b.resource("http://mcp.example.com/mcp"), "https");
  }

  @Test
  void buildWhenResourceTwiceThenRefused() {
    assertRefused(b -> b.resource("https://AS.example.com/mcp/"), "twice");
  }

  @Test
  void buildWhenDefaultResourceNotConfiguredThenRefused() {
    assertRefused(b -> b.defaultResource("https://other.example.com/mcp"), "defaultResource");
  }

  @Test
  void buildWhenDefaultScopeUnknownThenRefused() {
    assertRefused(b -> b.defaultScopes("admin"), "default scope 'admin'");
  }

  @Test
  void buildWhenScopeMalformedThenRefused() {
    assertRefused(b -> b.scopes("has\"quote"), "scope token");
  }

  @Test
  void buildWhenCodeLifetimeOverTenMinutesThenRefused() {
    assertRefused(b -> b.authorizationCodeLifetime(Duration.ofMinutes(11)), "authorizationCodeLifetime");
  }

  @Test
  void buildWhenLifetimeZeroOrNegativeThenRefused() {
    assertRefused(b -> b.accessTokenLifetime(Duration.ZERO), "accessTokenLifetime");
    assertRefused(b -> b.refreshTokenLifetime(Duration.ofSeconds(-1)), "refreshTokenLifetime");
  }

  @Test
  void buildWhenRetiredKeyHasActiveKeysIdThenRefused() {
    SigningKey key = SigningKey.generate();
    assertRefused(b -> b.signingKey(key).retiredSigningKey(key, Instant.now()), "retired signing key");
  }

  @Test
  void buildWhenRetiredKeyRetiresInTheFutureThenRefused() {
    // Retired means it signs nothing from then on; a later instant would let it sign until then.
    assertRefused(b -> b.retiredSigningKey(SigningKey.generate(), Instant.now().plus(Duration.ofHours(1))),
        "retired signing key");
  }

  @Test
  void signingKeyWhenJwkHasNoPrivatePartThenRefusedWithoutKeyMaterial() {
    String publicOnly = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
        + "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}";
    assertThatThrownBy(() -> SigningKey.fromJwk(publicOnly)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private").hasMessageNotContaining("f83OJ3D2");
  }

  @Test
  void signingKeyWhenPrintedThenOnlyIdAndAlgorithm() {
    SigningKey key = SigningKey.generate();
    assertThat(key.toString()).isEqualTo("SigningKey[kid=" + key.keyId() + ", alg=ES256]");
    assertThat(key.publicJwkJson()).doesNotContain("\"d\"");
  }
}
