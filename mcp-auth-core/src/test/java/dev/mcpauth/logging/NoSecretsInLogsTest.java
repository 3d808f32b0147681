package dev.mcpauth.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mcpauth.OAuthException;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.authorization.Decision;
import dev.mcpauth.event.AuthEvent;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * No token, code, verifier, handle or client secret reaches a log line, an exception message, an
 * event or a {@code toString()}, across every flow, at TRACE.
 */
class NoSecretsInLogsTest {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger root;
  private Level previousLevel;

  @BeforeEach
  void captureEverything() {
    root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previousLevel = root.getLevel();
    root.setLevel(Level.TRACE);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void restore() {
    root.detachAppender(appender);
    root.setLevel(previousLevel);
  }

  @Test
  void fullFlowsWhenLoggedAtTraceThenNoSecretAppearsAnywhere() {
    TestServer test = TestServer.create();
    List<String> secrets = new ArrayList<>();
    List<String> observed = new ArrayList<>();

    TestClient confidential = test.registerWith("client_secret_basic", "https://app.example.com/cb");
    secrets.add(confidential.clientSecret());
    Pkce pkce = Pkce.generate();
    secrets.add(pkce.verifier());
    AuthorizationStep.Interaction interaction =
        (AuthorizationStep.Interaction) test.authorize(test.authorizeParams(confidential, pkce));
    secrets.add(interaction.handle());
    observed.add(interaction.toString());
    observed.add(interaction.request().toString());
    AuthorizationStep redirect = test.server.authorizationEndpoint().complete(interaction.handle(),
        Decision.approve("alice", interaction.request().scopes()));
    observed.add(redirect.toString());
    String code = TestServer.query(((AuthorizationStep.Redirect) redirect).location()).get("code");
    secrets.add(code);

    EndpointResponse tokenResponse = test.exchange(confidential, code, pkce);
    observed.add(tokenResponse.toString());
    TestServer.TokenPair tokens = TestServer.TokenPair.from(tokenResponse);
    secrets.add(tokens.accessToken());
    secrets.add(tokens.refreshToken());
    observed.add(test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken()).toString());

    // Failure paths log internal details: replay, wrong secret, wrong verifier, garbage.
    observed.add(test.exchange(confidential, code, pkce).body());
    TestServer.TokenPair second = test.tokens(confidential);
    secrets.add(second.refreshToken());
    secrets.add(second.accessToken());
    TestServer.TokenPair rotated = TestServer.TokenPair.from(test.refresh(confidential, second.refreshToken()));
    secrets.add(rotated.refreshToken());
    secrets.add(rotated.accessToken());
    observed.add(test.refresh(confidential, second.refreshToken()).body());
    TestClient wrong = new TestClient(confidential.clientId(), "wrong-secret-value-1234567890", "client_secret_basic",
        confidential.redirectUris());
    secrets.add(wrong.clientSecret());
    EndpointRequest badAuth = EndpointRequest.form("grant_type=refresh_token&refresh_token=" + rotated.refreshToken())
        .withHeader("Authorization", TestServer.basic(wrong));
    observed.add(badAuth.toString());
    observed.add(test.server.tokenEndpoint().handle(badAuth).body());
    try {
      test.server.verifier(TestServer.RESOURCE).verify(tokens.accessToken() + "x");
    } catch (OAuthException e) {
      observed.add(e.getMessage());
      observed.add(String.valueOf(e.internalDetail()));
    }
    test.server.revocationEndpoint().handle(EndpointRequest.form("token=" + rotated.refreshToken())
        .withHeader("Authorization", TestServer.basic(confidential)));
    observed.add(test.server.introspectionEndpoint().handle(EndpointRequest.form(
        TestServer.encode(Map.of("token", rotated.accessToken()))).withHeader("Authorization", TestServer.basic(confidential))).body());

    for (ILoggingEvent event : appender.list) {
      observed.add(event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        observed.add(event.getThrowableProxy().getMessage());
      }
    }
    for (AuthEvent event : test.events.events()) {
      observed.add(event.toString());
    }

    assertThat(appender.list).as("TRACE capture saw the flow").isNotEmpty();
    assertThat(test.events.events()).hasSizeGreaterThan(5);
    for (String line : observed) {
      for (String secret : secrets) {
        assertThat(line).as("observable text").doesNotContain(secret);
      }
    }
  }
}
