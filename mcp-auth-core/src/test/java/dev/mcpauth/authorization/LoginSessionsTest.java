package dev.mcpauth.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.store.LoginSessionStore;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LoginSessionsTest {
  private final MutableClock clock = MutableClock.atStart();
  private final LoginSessionStore memory = new InMemoryStorage(clock).loginSessions().orElseThrow();
  private final AtomicInteger writes = new AtomicInteger();
  /** The in-memory store, counting what is written to it. */
  private final LoginSessionStore store = new LoginSessionStore() {
    @Override
    public void save(TokenHash sessionId, LoginSession session) {
      writes.incrementAndGet();
      memory.save(sessionId, session);
    }

    @Override
    public boolean replace(TokenHash sessionId, LoginSession session) {
      writes.incrementAndGet();
      return memory.replace(sessionId, session);
    }

    @Override
    public Optional<LoginSession> find(TokenHash sessionId) {
      return memory.find(sessionId);
    }

    @Override
    public void delete(TokenHash sessionId) {
      memory.delete(sessionId);
    }

    @Override
    public void deleteAllOf(String subject) {
      memory.deleteAllOf(subject);
    }
  };
  private final LoginSessions sessions = new LoginSessions(store, Duration.ofHours(12), Duration.ofDays(7), clock,
      new SecureRandom());

  @Test
  void currentWhenUsedOftenThenRenewedInTheStoreAtMostOnceAMinuteAndIdleTimeoutCountsFromLastUse() {
    String id = sessions.start("alice").id();
    writes.set(0);
    for (int i = 0; i < 600; i++) { // ten minutes, a use every second
      clock.advance(Duration.ofSeconds(1));
      assertThat(sessions.current(id)).isPresent();
    }
    assertThat(writes.get()).isBetween(9, 10);

    clock.advance(Duration.ofHours(11).plusMinutes(58));
    assertThat(sessions.current(id)).as("used within the idle timeout").isPresent();
    clock.advance(Duration.ofHours(12).plusMinutes(2));
    assertThat(sessions.current(id)).as("idle longer than the timeout").isEmpty();
  }

  @Test
  void currentWhenUsedPastTheAbsoluteLifetimeThenEnded() {
    String id = sessions.start("alice").id();
    for (int hour = 0; hour < 7 * 24 - 6; hour += 6) { // 162 hours of use, every 6 hours
      clock.advance(Duration.ofHours(6));
      assertThat(sessions.current(id)).isPresent();
    }
    clock.advance(Duration.ofHours(7));
    assertThat(sessions.current(id)).isEmpty();
  }

  @Test
  void rememberOrRenewWhenTheSessionEndedInFlightThenItStaysEnded() {
    String id = sessions.start("alice").id();
    LoginSessions.Session inFlight = sessions.current(id).orElseThrow();
    sessions.endAllOf("alice"); // a revocation between the read and the write

    sessions.remember(inFlight, consent("https://app.example.com/cb"));
    clock.advance(Duration.ofMinutes(5));

    assertThat(sessions.current(id)).isEmpty();
    assertThat(memory.find(inFlight.id())).isEmpty();
  }

  @Test
  void startWhenCalledThenANewRandomIdEachTimeAndNeverStoredInClear() {
    String first = sessions.start("alice").id();
    String second = sessions.start("alice").id();

    assertThat(first).hasSize(43).isNotEqualTo(second);
    assertThat(memory.find(TokenHash.of(first))).isPresent();
    assertThat(sessions.start("alice").toString()).doesNotContain(first).doesNotContain(second);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://127.0.0.2/cb", "https://localhost./cb", "https://sub.localhost/cb", "https://0.0.0.0/cb",
      "https://2130706433/cb", "https://0x7f000001/cb", "https://0177.0.0.1/cb", "https://[::ffff:127.0.0.1]/cb",
      "https://[::1]/cb", "https://intranet/cb", "https://10.0.0.1/cb", "https://LOCALHOST/cb", "https://app.localhost./cb",
      "https://localhost.localdomain/cb", "https://127.0.0.1.nip.io/cb", "https://localtest.me/cb", "https://lvh.me/cb",
      "https://app.localhost.direct:8443/cb", "https://printer.local/cb", "https://nas.home.arpa/cb",
      "https://app.internal/cb", "https://app.test/cb", "https://app.example.com:8443/cb"})
  void mayRememberWhenTheRedirectCouldReachThisMachineOrAnIpThenNo(String redirectUri) {
    assertThat(LoginSessions.mayRemember(consent(redirectUri))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://claude.ai/api/mcp/auth_callback", "https://chatgpt.com/connector_platform_oauth_redirect",
      "https://app.example.com./cb", "https://xn--bcher-kva.example.com/cb", "https://vscode.dev/redirect",
      "https://app.example.com:443/cb"})
  void mayRememberWhenHttpsToAPublicNameThenYes(String redirectUri) {
    assertThat(LoginSessions.mayRemember(consent(redirectUri))).isTrue();
  }

  @Test
  void remembersWhenExactlyTheSameRequestThenYesAndForAnyDifferenceOrPromptThenNo() {
    LoginSessions.Session session = sessions.current(sessions.start("alice").id()).orElseThrow();
    sessions.remember(session, consent("https://app.example.com/cb"));
    assertThat(sessions.current(null)).isEmpty();
    assertThat(sessions.current("short")).isEmpty();

    LoginSessions.Session now = new LoginSessions.Session(session.id(), memory.find(session.id()).orElseThrow());
    assertThat(sessions.remembers(now, consent("https://app.example.com/cb"))).isTrue();
    assertThat(sessions.remembers(now, consent("https://app.example.com/cb2"))).isFalse();
    ConsentRequest moreScopes = new ConsentRequest("client-1", "App", "https://app.example.com/cb", "https://app.example.com",
        false, false, Set.of("mcp:read", "mcp:write"), "https://as.example.com/mcp", false, Instant.EPOCH, null, null, null,
        false);
    assertThat(sessions.remembers(now, moreScopes)).isFalse();
    ConsentRequest prompted = new ConsentRequest("client-1", "App", "https://app.example.com/cb", "https://app.example.com",
        false, false, Set.of("mcp:read"), "https://as.example.com/mcp", true, Instant.EPOCH, null, null, null, false);
    assertThat(sessions.remembers(now, prompted)).isFalse();
  }

  private static ConsentRequest consent(String redirectUri) {
    return new ConsentRequest("client-1", "App", redirectUri, redirectUri, false, false, Set.of("mcp:read"),
        "https://as.example.com/mcp", false, Instant.EPOCH, null, null, null, false);
  }
}
