package dev.mcpauth.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.OAuthException;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.UpstreamTokenStore;
import dev.mcpauth.testing.Concurrently;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.token.Grant;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas, each an {@link UpstreamSession} over its own instance of a shared store, refreshing
 * one grant's upstream tokens at once against a provider that rotates refresh tokens and revokes the
 * family when one is presented twice (OAuth 2.1 §4.3.1). Whatever the timing, the provider must see
 * each refresh token once, and both replicas must get the winner's tokens. A store module's test
 * extends this and says how to open a replica of its store.
 */
public abstract class UpstreamReplicasContract {
  protected final MutableClock clock = new MutableClock(Instant.now());
  private final RotatingProvider provider = newProvider();
  private final UpstreamTokenSealer sealer = UpstreamTokenSealer.of(UpstreamTokenSealer.newKey());
  private final String grantId = "grant-" + UUID.randomUUID();
  private Replica a;
  private Replica b;

  /** A store instance over the shared data, on {@code clock}: another replica's, where the store allows. */
  protected abstract Storage replica(MutableClock clock);

  @BeforeEach
  void startReplicas() {
    a = new Replica(replica(clock));
    b = new Replica(replica(clock));
  }

  @AfterEach
  void stopProvider() {
    provider.close();
  }

  @Test
  void refreshWhenTwoReplicasRefreshOneGrantAtOnceThenTheProviderSeesTheRefreshTokenOnceAndBothGetTheNewTokens()
      throws Exception {
    String refreshToken = grantWithTokensExpiringSoon(provider.seed());
    RotatingProvider.Hold held = provider.holdNextRefresh();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<String> onA = threads.submit(() -> outcome(() -> a.session.tokens(grantId)));
      held.awaitArrival(); // replica A is refreshing at the provider
      // Replica B asks meanwhile. Its third look at the store is made while it waits for A's refresh
      // (first: is a refresh due; second: is one under way), so A's is let go then. Were B to go to the
      // provider instead, its arrival there lets A's go too.
      b.onFind = n -> {
        if (n == 3) {
          held.release();
        }
      };
      Future<String> onB = threads.submit(() -> outcome(() -> b.session.tokens(grantId)));

      List<String> outcomes = List.of(onA.get(), onB.get());

      assertThat(provider.presentations()).as("times each refresh token was sent upstream")
          .allSatisfy((token, times) -> assertThat(times).isEqualTo(1));
      assertThat(provider.revoked(refreshToken)).as("the user's upstream grant revoked for reuse").isFalse();
      assertThat(outcomes).containsOnly(stored().accessToken());
      assertThat(stored().accessToken()).isNotEqualTo("at-old");
      assertThat(a.revoked).isEmpty();
      assertThat(b.revoked).isEmpty();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void refreshWhenSixteenRequestsOnTwoReplicasAskAtOnceThenOneRefreshUpstreamServesThemAll() throws Exception {
    String refreshToken = grantWithTokensExpiringSoon(provider.seed());

    List<String> outcomes = Concurrently.run(16, () -> outcome(() -> pick().session.tokens(grantId)));

    assertThat(provider.presentations()).as("times each refresh token was sent upstream")
        .containsExactly(java.util.Map.entry(refreshToken, 1));
    assertThat(outcomes).containsOnly(stored().accessToken());
    assertThat(a.revoked).isEmpty();
    assertThat(b.revoked).isEmpty();
  }

  @Test
  void refreshWhenTheReplicaHoldingTheLeaseDiedThenAnotherTakesItOverOnceItLapses() {
    String refreshToken = grantWithTokensExpiringSoon(provider.seed());
    assertThat(a.storage.upstreamTokens().acquireRefreshLease(grantId, "replica-that-died", Duration.ofMinutes(1))).isTrue();
    b.onFind = n -> {
      if (n == 3) { // B is waiting for the dead replica's tokens: its lease lapses
        clock.advance(Duration.ofMinutes(1));
      }
    };

    String outcome = outcome(() -> b.session.tokens(grantId));

    assertThat(outcome).isEqualTo(stored().accessToken()).isNotEqualTo("at-old");
    assertThat(provider.presentations(refreshToken)).isEqualTo(1);
  }

  @Test
  void refreshWhenTheProviderRefusesThenEveryRequestOnEitherReplicaGets401AndTheTokenWasSentOnce() throws Exception {
    grantWithTokensExpiringSoon("rt-never-issued");

    List<String> outcomes = Concurrently.run(8, () -> outcome(() -> pick().session.tokens(grantId)));

    assertThat(outcomes).containsOnly("invalid_token");
    assertThat(provider.presentations("rt-never-issued")).isEqualTo(1);
    assertThat(a.storage.grants().find(grantId)).isEmpty();
    assertThat(b.storage.upstreamTokens().find(grantId)).isEmpty();
  }

  /** Stores a grant whose upstream access token expires in 10 s, with this refresh token. */
  private String grantWithTokensExpiringSoon(String refreshToken) {
    Grant grant = new Grant(grantId, "client-1", "alice", Set.of("mcp:read"), "https://mcp.example.com/mcp", null,
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", clock.instant(), clock.instant().plus(Duration.ofDays(1)));
    a.storage.grants().save(grant);
    a.storage.upstreamTokens().save(grantId,
        sealer.seal(new UpstreamTokens("at-old", refreshToken, clock.instant().plus(Duration.ofSeconds(10)), null), grantId),
        grant.expiresAt());
    return refreshToken;
  }

  private UpstreamTokens stored() {
    return sealer.open(a.storage.upstreamTokens().find(grantId).orElseThrow(), grantId);
  }

  /** The access token, or the error code. */
  private static String outcome(Supplier<UpstreamTokens> call) {
    try {
      return call.get().accessToken();
    } catch (OAuthException e) {
      return e.code().code();
    }
  }

  /** Half the threads on each replica. */
  private Replica pick() {
    return Thread.currentThread().getId() % 2 == 0 ? a : b;
  }

  /** One replica: its store instance, watched, and its session, which revokes as the server does. */
  private final class Replica {
    final Storage storage;
    final List<String> revoked = new CopyOnWriteArrayList<>();
    final AtomicInteger finds = new AtomicInteger();
    volatile IntConsumer onFind = n -> {};
    final UpstreamSession session;

    Replica(Storage storage) {
      this.storage = storage;
      UpstreamTokenStore store = storage.upstreamTokens();
      UpstreamTokenStore watched = (UpstreamTokenStore) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {UpstreamTokenStore.class}, (proxy, method, args) -> {
            if (method.getName().equals("find")) {
              onFind.accept(finds.incrementAndGet());
            }
            try {
              return method.invoke(store, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
      session = new UpstreamSession(provider.upstreamProvider(), sealer, watched, storage.grants(), id -> {
        revoked.add(id);
        storage.grants().revoke(id);
        store.delete(id);
      }, clock);
    }
  }

  private static RotatingProvider newProvider() {
    try {
      return new RotatingProvider();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
