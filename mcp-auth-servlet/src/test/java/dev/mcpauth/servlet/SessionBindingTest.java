package dev.mcpauth.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.store.McpSessionStore;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.store.memory.InMemoryMcpSessionStore;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.token.VerifiedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How long a session stays bound: its idle timeout, moved on by its owner's use. */
class SessionBindingTest {
  private final MutableClock clock = MutableClock.atStart();
  private final McpSessionStore store = new InMemoryMcpSessionStore(clock);
  private final SessionBinding binding = new SessionBinding(store, Duration.ofDays(30), clock);
  private final VerifiedToken alice = token("alice", "client-1");
  private final VerifiedToken bob = token("bob", "client-2");

  @Test
  void allowsWhenOwnerKeepsUsingTheSessionThenItStaysBoundPastTheFirstTimeout() {
    store.save(TokenHash.of("s1"), new McpSessionStore.Owner("alice", "client-1"), clock.instant().plus(Duration.ofDays(30)));

    clock.advance(Duration.ofDays(20));
    assertThat(binding.allows("s1", alice)).isTrue(); // past half the timeout: saved again
    clock.advance(Duration.ofDays(20));

    assertThat(binding.allows("s1", bob)).isFalse();
    assertThat(binding.allows("s1", alice)).isTrue();
  }

  @Test
  void allowsWhenIdleLongerThanTheTimeoutThenTheIdIsUnknownAndRefusedToEveryone() {
    store.save(TokenHash.of("s1"), new McpSessionStore.Owner("alice", "client-1"), clock.instant().plus(Duration.ofDays(30)));

    clock.advance(Duration.ofDays(29));
    assertThat(binding.allows("s1", bob)).isFalse();
    clock.advance(Duration.ofDays(1));

    assertThat(binding.allows("s1", bob)).isFalse();
    assertThat(binding.allows("s1", alice)).isFalse(); // her client opens a new session
  }

  @Test
  void allowsWhenASessionIsUsedAgainThenTheStoreIsNotReadAgain() {
    java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    McpSessionStore counting = new McpSessionStore() {
      @Override
      public void save(TokenHash sessionId, Owner owner, Instant expiresAt) {
        store.save(sessionId, owner, expiresAt);
      }

      @Override
      public java.util.Optional<Binding> find(TokenHash sessionId) {
        reads.incrementAndGet();
        return store.find(sessionId);
      }
    };
    SessionBinding cached = new SessionBinding(counting, Duration.ofDays(30), clock);
    store.save(TokenHash.of("s1"), new McpSessionStore.Owner("alice", "client-1"), clock.instant().plus(Duration.ofDays(30)));

    for (int i = 0; i < 100; i++) {
      assertThat(cached.allows("s1", alice)).isTrue();
      assertThat(cached.allows("s1", bob)).isFalse();
    }
    assertThat(cached.allows("unknown", bob)).isFalse();
    assertThat(cached.allows("unknown", bob)).isFalse();

    assertThat(reads).hasValue(3); // s1 once; an unknown id each time, as another replica may bind it
  }

  private static VerifiedToken token(String subject, String clientId) {
    return new VerifiedToken(subject, clientId, Set.of("mcp:read"), "https://mcp.example.com/mcp", "https://as.example.com",
        Instant.EPOCH, Instant.MAX, "jti-" + subject, "grant-" + subject, Map.of());
  }
}
