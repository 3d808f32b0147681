package dev.mcpauth.expiry;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static dev.mcpauth.testing.OAuthAssert.assertErrorPage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.OAuthException;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.authorization.Decision;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.client.Client;
import dev.mcpauth.store.ClientAssertionStore;
import dev.mcpauth.store.ClientStore;
import dev.mcpauth.store.GrantStore;
import dev.mcpauth.store.PendingAuthorizationStore;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.TokenStore;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.token.Grant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every lifetime ends when it should, on the injected clock: no test sleeps. */
class ExpiryTest {
  private final TestServer test = TestServer.create();
  private final TestClient client = test.registerPublic("https://app.example.com/cb");

  @Test
  void tokenWhenCodeOlderThanSixtySecondsThenInvalidGrant() {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    test.clock.advance(Duration.ofSeconds(60));

    assertError(test.exchange(client, code, pkce), 400, "invalid_grant");
  }

  @Test
  void tokenWhenCodeJustInsideLifetimeThenAccepted() {
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);

    test.clock.advance(Duration.ofSeconds(59));

    assertThat(test.exchange(client, code, pkce).status()).isEqualTo(200);
  }

  @Test
  void completeWhenPendingAuthorizationLapsedThenErrorPage() {
    AuthorizationStep.Interaction interaction =
        (AuthorizationStep.Interaction) test.authorize(test.authorizeParams(client, Pkce.generate()));

    test.clock.advance(Duration.ofMinutes(10));

    assertThat(test.server.authorizationEndpoint().pending(interaction.handle())).isEmpty();
    assertErrorPage(test.server.authorizationEndpoint().complete(interaction.handle(), Decision.approve("alice", Set.of())),
        "invalid_request");
  }

  @Test
  void verifyWhenAccessTokenPastExpiryPlusSkewThenInvalidToken() {
    String accessToken = test.tokens(client).accessToken();
    TokenVerifier verifier = test.server.verifier(TestServer.RESOURCE);
    verifier.verify(accessToken); // cached now: expiry must still apply to the cached entry

    test.clock.advance(Duration.ofHours(1).plusSeconds(9));
    assertThat(verifier.verify(accessToken).subject()).isEqualTo("alice");

    test.clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> verifier.verify(accessToken)).isInstanceOf(OAuthException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void refreshWhenRefreshTokenOlderThanLifetimeThenInvalidGrant() {
    String refreshToken = test.tokens(client).refreshToken();

    test.clock.advance(Duration.ofDays(30));

    assertError(test.refresh(client, refreshToken), 400, "invalid_grant");
  }

  @Test
  void refreshWhenGrantLifetimeEndsThenInvalidGrantEvenAfterRotations() {
    String refreshToken = test.tokens(client).refreshToken();
    for (int i = 0; i < 3; i++) {
      test.clock.advance(Duration.ofDays(25));
      refreshToken = TestServer.TokenPair.from(test.refresh(client, refreshToken)).refreshToken();
    }

    test.clock.advance(Duration.ofDays(15)); // day 90: the grant is over, though the token is 15 days old

    assertError(test.refresh(client, refreshToken), 400, "invalid_grant");
  }

  @Test
  void registrationWhenUnusedForADayThenClientIsGone() {
    TestClient unused = test.registerPublic("https://unused.example.com/cb");

    test.clock.advance(Duration.ofHours(24));

    assertErrorPage(test.authorize(test.authorizeParams(unused, Pkce.generate())), "invalid_client");
    assertError(test.refresh(unused, "anything"), 401, "invalid_client");
  }

  @Test
  void registrationWhenUsedThenClientOutlivesUnusedLifetime() {
    test.tokens(client);

    test.clock.advance(Duration.ofDays(2));

    assertThat(test.authorize(test.authorizeParams(client, Pkce.generate())))
        .isInstanceOf(AuthorizationStep.Interaction.class);
  }

  @Test
  void approvalWhenItCreatesTheFirstGrantThenTheClientNoLongerLapsesBeforeTheGrantExists() {
    InMemoryStorage inner = new InMemoryStorage(dev.mcpauth.testing.MutableClock.atStart()); // the server's time
    List<Optional<Instant>> clientExpiryAtGrantSave = new ArrayList<>();
    Storage recording = new Storage() {
      @Override
      public ClientStore clients() {
        return inner.clients();
      }

      @Override
      public PendingAuthorizationStore pendingAuthorizations() {
        return inner.pendingAuthorizations();
      }

      @Override
      public GrantStore grants() {
        return new GrantStore() {
          @Override
          public void save(Grant grant) {
            clientExpiryAtGrantSave.add(inner.clients().find(grant.clientId()).map(Client::expiresAt));
            inner.grants().save(grant);
          }

          @Override
          public Optional<Grant> find(String grantId) {
            return inner.grants().find(grantId);
          }

          @Override
          public void revoke(String grantId) {
            inner.grants().revoke(grantId);
          }
        };
      }

      @Override
      public TokenStore tokens() {
        return inner.tokens();
      }

      @Override
      public ClientAssertionStore clientAssertions() {
        return inner.clientAssertions();
      }

      @Override
      public dev.mcpauth.store.McpSessionStore mcpSessions() {
        return inner.mcpSessions();
      }
    };
    TestServer server = TestServer.create(builder -> builder.storage(recording));
    TestClient registered = server.registerPublic("https://app.example.com/cb");

    server.tokens(registered);

    // Marked used first: a store reaping lapsed clients can never find this one lapsed while it has a grant.
    assertThat(clientExpiryAtGrantSave).hasSize(1).allSatisfy(expiry -> assertThat(expiry).isEmpty());
  }
}
