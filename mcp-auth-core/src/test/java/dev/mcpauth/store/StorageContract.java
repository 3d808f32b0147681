package dev.mcpauth.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.authorization.PendingAuthorization;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.ClientAuthMethod;
import dev.mcpauth.ratelimit.LimitedAction;
import dev.mcpauth.ratelimit.RateLimit;
import dev.mcpauth.ratelimit.RateLimiter;
import dev.mcpauth.ratelimit.RateLimits;
import dev.mcpauth.testing.Concurrently;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.token.Grant;
import dev.mcpauth.token.StoredToken;
import dev.mcpauth.token.TokenKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link Storage} must meet, written once. An implementation's test extends this
 * class and says how to make a storage on a given clock; for stores shared between processes,
 * {@link #secondInstance} gives a second storage over the same data.
 */
public abstract class StorageContract {
  protected final MutableClock clock = MutableClock.atStart();
  protected Storage storage;

  /** A new, empty storage whose expiry follows {@code clock}. */
  protected abstract Storage createStorage(MutableClock clock);

  /** Another storage over the same data (another replica); by default the same instance. */
  protected Storage secondInstance() {
    return storage;
  }

  @BeforeEach
  void createStore() {
    storage = createStorage(clock);
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  private Client client(Instant expiresAt) {
    return Client.builder(id()).secretHash(TokenHash.of("secret-" + id())).authMethod(ClientAuthMethod.CLIENT_SECRET_BASIC)
        .redirectUris(List.of("https://app.example.com/cb", "http://127.0.0.1/cb")).clientName("Name")
        .clientUri("https://app.example.com").scope("mcp:read").softwareId("sw").softwareVersion("1.0")
        .issuedAt(clock.instant()).expiresAt(expiresAt).build();
  }

  private Grant grant(Duration lifetime) {
    return new Grant(id(), "client-1", "alice", Set.of("mcp:read", "mcp:write"), "https://as.example.com/mcp",
        "https://app.example.com/cb", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", clock.instant(),
        clock.instant().plus(lifetime));
  }

  private StoredToken token(TokenKind kind, String grantId, Duration lifetime) {
    return new StoredToken(TokenHash.of(id()), kind, grantId, "client-1", clock.instant(), clock.instant().plus(lifetime));
  }

  private PendingAuthorization pending(Duration lifetime) {
    return new PendingAuthorization(TokenHash.of(id()), "client-1", "https://app.example.com/cb", true, "state",
        Set.of("mcp:read"), "https://as.example.com/mcp", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        Set.of("consent"), clock.instant(), clock.instant().plus(lifetime));
  }

  // Upstream tokens (sealed values; the store never sees them in clear)

  @Test
  void upstreamTokensWhenSavedThenFoundOnTheOtherInstanceReplacedAndDeleted() {
    String grantId = id();
    storage.upstreamTokens().save(grantId, "v1.kid.sealed-1", clock.instant().plus(Duration.ofDays(1)));
    assertThat(secondInstance().upstreamTokens().find(grantId)).contains("v1.kid.sealed-1");
    secondInstance().upstreamTokens().save(grantId, "v1.kid.sealed-2", clock.instant().plus(Duration.ofDays(1)));
    assertThat(storage.upstreamTokens().find(grantId)).contains("v1.kid.sealed-2");
    storage.upstreamTokens().delete(grantId);
    assertThat(secondInstance().upstreamTokens().find(grantId)).isEmpty();
  }

  @Test
  void upstreamTokensWhenExpiredThenNotFound() {
    String grantId = id();
    storage.upstreamTokens().save(grantId, "v1.kid.sealed", clock.instant().plus(Duration.ofMinutes(5)));
    clock.advance(Duration.ofMinutes(5));
    assertThat(storage.upstreamTokens().find(grantId)).isEmpty();
  }

  // Upstream refresh lease: one replica at a time refreshes a grant upstream

  @Test
  void refreshLeaseWhenHeldThenRefusedToEveryOtherAttemptOnEveryInstanceUntilReleasedByItsOwner() {
    String grantId = id();
    Duration lease = Duration.ofSeconds(30);
    assertThat(storage.upstreamTokens().acquireRefreshLease(grantId, "replica-a", lease)).isTrue();

    assertThat(secondInstance().upstreamTokens().acquireRefreshLease(grantId, "replica-b", lease)).isFalse();
    assertThat(storage.upstreamTokens().acquireRefreshLease(grantId, "replica-a", lease)).as("not re-entrant").isFalse();
    assertThat(secondInstance().upstreamTokens().acquireRefreshLease(id(), "replica-b", lease)).as("per grant").isTrue();
    secondInstance().upstreamTokens().releaseRefreshLease(grantId, "replica-b"); // not its lease: nothing
    assertThat(secondInstance().upstreamTokens().acquireRefreshLease(grantId, "replica-b", lease)).isFalse();

    secondInstance().upstreamTokens().releaseRefreshLease(grantId, "replica-a");
    assertThat(storage.upstreamTokens().acquireRefreshLease(grantId, "replica-b", lease)).isTrue();
    storage.upstreamTokens().releaseRefreshLease(grantId, "replica-b");
    storage.upstreamTokens().releaseRefreshLease(grantId, "replica-b"); // idempotent
  }

  @Test
  void refreshLeaseWhenLapsedThenAnotherTakesItAndTheFormerHolderCannotReleaseIt() {
    String grantId = id();
    assertThat(storage.upstreamTokens().acquireRefreshLease(grantId, "died", Duration.ofSeconds(30))).isTrue();
    clock.advance(Duration.ofSeconds(29));
    assertThat(secondInstance().upstreamTokens().acquireRefreshLease(grantId, "replica-b", Duration.ofSeconds(30))).isFalse();

    clock.advance(Duration.ofSeconds(1));

    assertThat(secondInstance().upstreamTokens().acquireRefreshLease(grantId, "replica-b", Duration.ofSeconds(30))).isTrue();
    storage.upstreamTokens().releaseRefreshLease(grantId, "died"); // woke up late: must not end b's lease
    assertThat(storage.upstreamTokens().acquireRefreshLease(grantId, "replica-c", Duration.ofSeconds(30))).isFalse();
  }

  @Test
  void refreshLeaseWhenThirtyTwoAttemptsOnTwoInstancesAtOnceThenExactlyOneHoldsIt() throws Exception {
    String grantId = id();

    List<Boolean> won = Concurrently.run(32,
        () -> pick().upstreamTokens().acquireRefreshLease(grantId, id(), Duration.ofSeconds(30)));

    assertThat(won).filteredOn(Boolean::booleanValue).hasSize(1);
  }

  @Test
  void refreshLeaseWhenLapsedAndThirtyTwoAttemptsAtOnceThenExactlyOneTakesIt() throws Exception {
    String grantId = id();
    storage.upstreamTokens().acquireRefreshLease(grantId, "died", Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(31));

    List<Boolean> won = Concurrently.run(32,
        () -> pick().upstreamTokens().acquireRefreshLease(grantId, id(), Duration.ofSeconds(30)));

    assertThat(won).filteredOn(Boolean::booleanValue).hasSize(1);
  }

  // Client assertions (private_key_jwt): each jti accepted once, on every instance, until it expires

  @Test
  void clientAssertionsWhenMarkedThenRefusedAgainOnEveryInstanceAndOthersIndependent() {
    TokenHash assertionId = TokenHash.of(id());
    Instant expiresAt = clock.instant().plus(Duration.ofMinutes(5));

    assertThat(storage.clientAssertions().markUsed(assertionId, expiresAt)).isTrue();

    assertThat(storage.clientAssertions().markUsed(assertionId, expiresAt)).as("replay").isFalse();
    assertThat(secondInstance().clientAssertions().markUsed(assertionId, expiresAt)).as("replay elsewhere").isFalse();
    assertThat(secondInstance().clientAssertions().markUsed(TokenHash.of(id()), expiresAt)).as("per id").isTrue();
  }

  @Test
  void clientAssertionsWhenExpiredThenMarkedAgain() {
    TokenHash assertionId = TokenHash.of(id());
    storage.clientAssertions().markUsed(assertionId, clock.instant().plus(Duration.ofMinutes(5)));
    clock.advance(Duration.ofMinutes(4));
    assertThat(secondInstance().clientAssertions().markUsed(assertionId, clock.instant().plus(Duration.ofMinutes(5))))
        .as("refused, and the first expiry kept").isFalse();

    clock.advance(Duration.ofMinutes(1));

    // A verifier refuses an expired assertion itself; the store need not remember it any longer.
    assertThat(secondInstance().clientAssertions().markUsed(assertionId, clock.instant().plus(Duration.ofMinutes(5))))
        .isTrue();
    assertThat(storage.clientAssertions().markUsed(assertionId, clock.instant().plus(Duration.ofMinutes(5)))).isFalse();
  }

  @Test
  @Timeout(60)
  void clientAssertionsWhenThirtyTwoMarkOneIdOnTwoInstancesAtOnceThenExactlyOneFirst() throws Exception {
    TokenHash assertionId = TokenHash.of(id());
    Instant expiresAt = clock.instant().plus(Duration.ofMinutes(5));

    List<Boolean> first = Concurrently.run(32, () -> pick().clientAssertions().markUsed(assertionId, expiresAt));

    assertThat(first).filteredOn(Boolean::booleanValue).hasSize(1);
  }

  @Test
  @Timeout(60)
  void clientAssertionsWhenExpiredAndThirtyTwoMarkItAtOnceThenExactlyOneFirst() throws Exception {
    TokenHash assertionId = TokenHash.of(id());
    storage.clientAssertions().markUsed(assertionId, clock.instant().plus(Duration.ofMinutes(5)));
    clock.advance(Duration.ofMinutes(6));
    Instant expiresAt = clock.instant().plus(Duration.ofMinutes(5));

    List<Boolean> first = Concurrently.run(32, () -> pick().clientAssertions().markUsed(assertionId, expiresAt));

    assertThat(first).filteredOn(Boolean::booleanValue).hasSize(1);
  }

  // Rate-limit buckets (stores that replicas share)

  @Test
  void rateLimitsWhenComparedAndSetThenReplacedOnlyWhenStillAsReadOnEveryInstance() {
    RateLimitStore buckets = sharedRateLimits();
    String key = "registration:" + id();
    Instant expiresAt = clock.instant().plus(Duration.ofHours(1));

    assertThat(buckets.find(key)).isEmpty();
    assertThat(buckets.compareAndSet(key, Optional.empty(), new byte[] {1, 2}, expiresAt)).isTrue();
    assertThat(buckets.compareAndSet(key, Optional.empty(), new byte[] {9}, expiresAt)).isFalse();
    assertThat(secondInstance().rateLimits().orElseThrow().find(key)).hasValueSatisfying(
        state -> assertThat(state).containsExactly(1, 2));
    assertThat(buckets.compareAndSet(key, Optional.of(new byte[] {1}), new byte[] {9}, expiresAt)).isFalse();
    assertThat(secondInstance().rateLimits().orElseThrow()
        .compareAndSet(key, Optional.of(new byte[] {1, 2}), new byte[] {3, 0, -1}, expiresAt)).isTrue();
    assertThat(buckets.find(key)).hasValueSatisfying(state -> assertThat(state).containsExactly(3, 0, -1));
  }

  @Test
  @Timeout(60)
  void rateLimitsWhenThirtyTwoSetOneNewKeyOnTwoInstancesAtOnceThenExactlyOneWins() throws Exception {
    sharedRateLimits();
    String key = "token:" + id();
    Instant expiresAt = clock.instant().plus(Duration.ofHours(1));

    List<Boolean> won = Concurrently.run(32, () -> pick().rateLimits().orElseThrow()
        .compareAndSet(key, Optional.empty(), new byte[] {7}, expiresAt));

    assertThat(won).filteredOn(Boolean::booleanValue).hasSize(1);
  }

  @Test
  @Timeout(120)
  void rateLimiterWhenTwoReplicasCountOneAddressAtOnceThenTheLimitHoldsAcrossThem() throws Exception {
    sharedRateLimits();
    RateLimits limits = RateLimits.defaults().with(LimitedAction.REGISTRATION, RateLimit.perHour(10));
    RateLimiter first = new RateLimiter(limits, clock, storage.rateLimits());
    RateLimiter second = new RateLimiter(limits, clock, secondInstance().rateLimits());
    String address = "192.0.2." + new java.util.Random().nextInt(250);
    java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();

    List<Boolean> admitted = Concurrently.run(32, () -> (turn.getAndIncrement() % 2 == 0 ? first : second)
        .tryAcquire(LimitedAction.REGISTRATION, address).isEmpty());

    assertThat(admitted).filteredOn(Boolean::booleanValue).hasSize(10);
    assertThat(second.tryAcquire(LimitedAction.REGISTRATION, address)).contains(Duration.ofMinutes(6));
    clock.advance(Duration.ofMinutes(6));
    assertThat(first.tryAcquire(LimitedAction.REGISTRATION, address)).isEmpty();
    assertThat(second.tryAcquire(LimitedAction.REGISTRATION, address)).isPresent();
  }

  /** The store's shared buckets; a store without them (in memory: per process) skips these cases. */
  private RateLimitStore sharedRateLimits() {
    org.junit.jupiter.api.Assumptions.assumeTrue(storage.rateLimits().isPresent(),
        "per-process rate limits: nothing shared to test");
    return storage.rateLimits().get();
  }

  // Login sessions

  private LoginSessionStore loginSessions(Storage storage) {
    return storage.loginSessions().orElseThrow();
  }

  @Test
  void loginSessionsWhenSavedThenFoundOnEveryInstanceWithWhatTheyRemember() {
    TokenHash sessionId = TokenHash.of(id());
    String consent = TokenHash.of(id()).value();
    LoginSessionStore.LoginSession session = new LoginSessionStore.LoginSession("alice", clock.instant(),
        clock.instant().plus(Duration.ofHours(12)), Set.of(consent));

    loginSessions(storage).save(sessionId, session);

    assertThat(loginSessions(secondInstance()).find(sessionId)).contains(session);
    assertThat(loginSessions(secondInstance()).find(TokenHash.of(id()))).isEmpty();
  }

  @Test
  void loginSessionsWhenSavedAgainThenReplacedAndWhenLapsedThenGone() {
    TokenHash sessionId = TokenHash.of(id());
    Instant signedIn = clock.instant();
    loginSessions(storage).save(sessionId, new LoginSessionStore.LoginSession("alice", signedIn,
        signedIn.plus(Duration.ofMinutes(10)), Set.of()));
    clock.advance(Duration.ofMinutes(9));
    Set<String> remembered = Set.of(TokenHash.of(id()).value(), TokenHash.of(id()).value());
    LoginSessionStore.LoginSession renewed = new LoginSessionStore.LoginSession("alice", signedIn,
        clock.instant().plus(Duration.ofMinutes(10)), remembered);
    loginSessions(secondInstance()).save(sessionId, renewed);

    clock.advance(Duration.ofMinutes(9));
    assertThat(loginSessions(storage).find(sessionId)).contains(renewed);
    clock.advance(Duration.ofMinutes(2));
    assertThat(loginSessions(storage).find(sessionId)).isEmpty();
  }

  @Test
  void loginSessionsWhenOneDeletedOrAllOfAUserThenEndedEverywhereAndOthersKept() {
    Instant expiresAt = clock.instant().plus(Duration.ofHours(1));
    TokenHash aliceLaptop = TokenHash.of(id());
    TokenHash alicePhone = TokenHash.of(id());
    TokenHash aliceTablet = TokenHash.of(id());
    TokenHash bob = TokenHash.of(id());
    for (TokenHash alices : List.of(aliceLaptop, alicePhone, aliceTablet)) {
      loginSessions(storage).save(alices, new LoginSessionStore.LoginSession("alice", clock.instant(), expiresAt, Set.of()));
    }
    loginSessions(storage).save(bob, new LoginSessionStore.LoginSession("bob", clock.instant(), expiresAt, Set.of()));

    loginSessions(secondInstance()).delete(aliceTablet);
    assertThat(loginSessions(storage).find(aliceTablet)).isEmpty();
    assertThat(loginSessions(storage).find(aliceLaptop)).isPresent();

    loginSessions(secondInstance()).deleteAllOf("alice");

    assertThat(loginSessions(storage).find(aliceLaptop)).isEmpty();
    assertThat(loginSessions(storage).find(alicePhone)).isEmpty();
    assertThat(loginSessions(storage).find(bob)).isPresent();
  }

  @Test
  void loginSessionsWhenReplacedLiveThenChangedButWhenEndedMeanwhileThenNotBroughtBack() {
    TokenHash live = TokenHash.of(id());
    TokenHash ended = TokenHash.of(id());
    Instant expiresAt = clock.instant().plus(Duration.ofHours(1));
    for (TokenHash session : List.of(live, ended)) {
      loginSessions(storage).save(session, new LoginSessionStore.LoginSession("alice", clock.instant(), expiresAt, Set.of()));
    }
    loginSessions(storage).delete(ended);
    LoginSessionStore.LoginSession renewed = new LoginSessionStore.LoginSession("alice", clock.instant(),
        expiresAt.plus(Duration.ofMinutes(5)), Set.of(TokenHash.of(id()).value()));

    assertThat(loginSessions(secondInstance()).replace(live, renewed)).isTrue();
    assertThat(loginSessions(secondInstance()).replace(ended, renewed)).isFalse();

    assertThat(loginSessions(storage).find(live)).contains(renewed);
    assertThat(loginSessions(storage).find(ended)).isEmpty();
    loginSessions(storage).deleteAllOf("alice");
    assertThat(loginSessions(storage).replace(live, renewed)).isFalse();
    assertThat(loginSessions(storage).find(live)).isEmpty();
  }

  // MCP sessions

  @Test
  void mcpSessionsWhenSavedThenFoundOnEveryInstanceAndOthersUnknown() {
    TokenHash sessionId = TokenHash.of(id());
    Instant expiresAt = clock.instant().plus(Duration.ofHours(24));

    storage.mcpSessions().save(sessionId, new McpSessionStore.Owner("alice", "client-1"), expiresAt);

    assertThat(secondInstance().mcpSessions().find(sessionId))
        .contains(new McpSessionStore.Binding(new McpSessionStore.Owner("alice", "client-1"), expiresAt));
    assertThat(secondInstance().mcpSessions().find(TokenHash.of(id()))).isEmpty();
  }

  @Test
  void mcpSessionsWhenOwnerNamesNoClientThenFoundWithoutOne() {
    TokenHash sessionId = TokenHash.of(id());
    Instant expiresAt = clock.instant().plus(Duration.ofHours(1));

    storage.mcpSessions().save(sessionId, new McpSessionStore.Owner("bob", null), expiresAt);

    assertThat(secondInstance().mcpSessions().find(sessionId).map(McpSessionStore.Binding::owner))
        .contains(new McpSessionStore.Owner("bob", null));
  }

  @Test
  void mcpSessionsWhenSavedAgainThenExpiryMovedAndWhenLapsedThenGone() {
    TokenHash sessionId = TokenHash.of(id());
    McpSessionStore.Owner alice = new McpSessionStore.Owner("alice", "client-1");
    storage.mcpSessions().save(sessionId, alice, clock.instant().plus(Duration.ofMinutes(10)));
    clock.advance(Duration.ofMinutes(9));
    Instant later = clock.instant().plus(Duration.ofMinutes(10));
    secondInstance().mcpSessions().save(sessionId, alice, later);

    clock.advance(Duration.ofMinutes(9));
    assertThat(storage.mcpSessions().find(sessionId)).contains(new McpSessionStore.Binding(alice, later));
    clock.advance(Duration.ofMinutes(1));
    assertThat(storage.mcpSessions().find(sessionId)).isEmpty();
    assertThat(secondInstance().mcpSessions().find(sessionId)).isEmpty();
  }

  // Clients

  @Test
  void clientsWhenSavedThenFoundEqual() {
    Client client = client(null);
    storage.clients().save(client);

    assertThat(secondInstance().clients().find(client.clientId())).contains(client);
  }

  @Test
  void clientsWhenSavedAgainThenReplaced() {
    Client client = client(clock.instant().plus(Duration.ofHours(1)));
    storage.clients().save(client);
    storage.clients().save(client.withoutExpiry());

    clock.advance(Duration.ofHours(2));

    assertThat(storage.clients().find(client.clientId())).contains(client.withoutExpiry());
  }

  @Test
  void clientsWhenExpiredThenNotFound() {
    Client client = client(clock.instant().plus(Duration.ofHours(1)));
    storage.clients().save(client);

    clock.advance(Duration.ofHours(1));

    assertThat(storage.clients().find(client.clientId())).isEmpty();
  }

  @Test
  void clientsWhenDeletedThenNotFound() {
    Client client = client(null);
    storage.clients().save(client);
    storage.clients().delete(client.clientId());

    assertThat(secondInstance().clients().find(client.clientId())).isEmpty();
  }

  // Pending authorizations

  @Test
  void pendingWhenConsumedThenGoneAndOnlyOnce() {
    PendingAuthorization pending = pending(Duration.ofMinutes(10));
    storage.pendingAuthorizations().save(pending);

    assertThat(storage.pendingAuthorizations().find(pending.handleHash())).contains(pending);
    assertThat(storage.pendingAuthorizations().consume(pending.handleHash())).contains(pending);
    assertThat(secondInstance().pendingAuthorizations().consume(pending.handleHash())).isEmpty();
    assertThat(storage.pendingAuthorizations().find(pending.handleHash())).isEmpty();
  }

  @Test
  void pendingWhenExpiredThenNeitherFoundNorConsumed() {
    PendingAuthorization pending = pending(Duration.ofMinutes(10));
    storage.pendingAuthorizations().save(pending);

    clock.advance(Duration.ofMinutes(10));

    assertThat(storage.pendingAuthorizations().find(pending.handleHash())).isEmpty();
    assertThat(storage.pendingAuthorizations().consume(pending.handleHash())).isEmpty();
  }

  @Test
  void pendingWhenConsumedConcurrentlyThenExactlyOneGetsIt() throws Exception {
    PendingAuthorization pending = pending(Duration.ofMinutes(10));
    storage.pendingAuthorizations().save(pending);

    List<Boolean> results = Concurrently.run(32, () -> pick().pendingAuthorizations().consume(pending.handleHash()).isPresent());

    assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
  }

  // Grants

  @Test
  void grantsWhenSavedThenFoundUntilRevoked() {
    Grant grant = grant(Duration.ofDays(90));
    storage.grants().save(grant);

    assertThat(secondInstance().grants().find(grant.id())).contains(grant);
    secondInstance().grants().revoke(grant.id());
    assertThat(storage.grants().find(grant.id())).isEmpty();
    storage.grants().revoke(grant.id()); // idempotent
  }

  @Test
  void grantsWhenExpiredThenNotFound() {
    Grant grant = grant(Duration.ofDays(90));
    storage.grants().save(grant);

    clock.advance(Duration.ofDays(90));

    assertThat(storage.grants().find(grant.id())).isEmpty();
  }

  @Test
  void grantsWhenOneRevokedThenOthersRemain() {
    Grant revoked = grant(Duration.ofDays(1));
    Grant kept = grant(Duration.ofDays(1));
    storage.grants().save(revoked);
    storage.grants().save(kept);

    storage.grants().revoke(revoked.id());

    assertThat(storage.grants().find(kept.id())).contains(kept);
  }

  // One-time tokens

  @Test
  void tokensWhenSavedThenFoundByHashOnly() {
    StoredToken token = token(TokenKind.REFRESH_TOKEN, "grant-1", Duration.ofDays(30));
    storage.tokens().save(token);

    assertThat(secondInstance().tokens().find(token.hash())).contains(token);
    assertThat(storage.tokens().find(TokenHash.of("other"))).isEmpty();
  }

  @Test
  void tokensWhenConsumedThenFirstUseOnceThenReplayUntilExpiry() {
    StoredToken token = token(TokenKind.AUTHORIZATION_CODE, "grant-1", Duration.ofSeconds(60));
    storage.tokens().save(token);

    assertThat(storage.tokens().consume(token.hash())).contains(new Redemption(token, true));
    assertThat(secondInstance().tokens().consume(token.hash())).contains(new Redemption(token, false));
    assertThat(storage.tokens().find(token.hash())).as("consumed tokens are not active").isEmpty();

    clock.advance(Duration.ofSeconds(60));
    assertThat(storage.tokens().consume(token.hash())).isEmpty();
  }

  @Test
  void tokensWhenUnknownThenConsumeEmpty() {
    assertThat(storage.tokens().consume(TokenHash.of("never-saved"))).isEmpty();
  }

  @Test
  void tokensWhenExpiredThenNotFound() {
    StoredToken token = token(TokenKind.REFRESH_TOKEN, "grant-1", Duration.ofDays(30));
    storage.tokens().save(token);

    clock.advance(Duration.ofDays(30));

    assertThat(storage.tokens().find(token.hash())).isEmpty();
  }

  @Test
  void tokensWhenFiftyConsumeConcurrentlyThenExactlyOneFirstUse() throws Exception {
    StoredToken token = token(TokenKind.REFRESH_TOKEN, "grant-1", Duration.ofDays(30));
    storage.tokens().save(token);

    List<Optional<Redemption>> results = Concurrently.run(50, () -> pick().tokens().consume(token.hash()));

    assertThat(results).allSatisfy(result -> assertThat(result).isPresent());
    assertThat(results).filteredOn(result -> result.get().firstUse()).hasSize(1);
  }

  @Test
  void tokensWhenManyDifferentConsumedConcurrentlyThenEachExactlyOnce() throws Exception {
    List<StoredToken> tokens = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      StoredToken token = token(TokenKind.AUTHORIZATION_CODE, "grant-" + i, Duration.ofSeconds(60));
      storage.tokens().save(token);
      tokens.add(token);
    }
    java.util.concurrent.atomic.AtomicInteger firstUses = new java.util.concurrent.atomic.AtomicInteger();

    Concurrently.run(8, () -> {
      for (StoredToken token : tokens) {
        pick().tokens().consume(token.hash()).filter(Redemption::firstUse).ifPresent(r -> firstUses.incrementAndGet());
      }
      return null;
    });

    assertThat(firstUses.get()).isEqualTo(200);
  }

  /** Half the threads use each instance, so one-time use holds across replicas. */
  private Storage pick() {
    return Thread.currentThread().getId() % 2 == 0 ? storage : secondInstance();
  }
}
