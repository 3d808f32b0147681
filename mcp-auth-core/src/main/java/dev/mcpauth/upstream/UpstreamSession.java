package dev.mcpauth.upstream;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.ThrottledLog;
import dev.mcpauth.store.GrantStore;
import dev.mcpauth.store.UpstreamTokenStore;
import dev.mcpauth.token.Grant;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream access token of a local grant, for a tool handler (or the proxy) to call the
 * provider's APIs as the user. A token about to expire is refreshed first, single-flight across
 * replicas: however many requests of one grant ask at once, on however many servers sharing the store,
 * one refresh goes upstream and all get its result, so a provider that rotates refresh tokens and
 * revokes the grant on reuse (OAuth 2.1 §4.3.1) never sees one twice. In this process the requests of
 * a grant share one attempt; across processes the attempt takes the grant's refresh lease in the store
 * ({@link UpstreamTokenStore#acquireRefreshLease}) before calling the provider, and a replica refused
 * the lease reads the store (every 10 ms at first, then up to every 200 ms) until the winner's tokens
 * are there, or until the lease lapses (its holder died) and it can take it over. When the provider
 * refuses the refresh for good, the local grant is revoked, so the MCP client's next request gets a
 * 401 and it authorizes again. Thread-safe.
 */
public final class UpstreamSession {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamSession.class);

  /** Refresh this long before the provider's expiry, so a token is not handed out to die in flight. */
  static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);
  private static final Duration FIRST_POLL = Duration.ofMillis(10);
  private static final Duration MAX_POLL = Duration.ofMillis(200);

  private final UpstreamTokenStore store;
  private final GrantStore grants;
  private final UpstreamTokenSealer sealer;
  private final UpstreamClient client;
  private final Consumer<String> revokeGrant;
  private final Clock clock;
  /** A store outage fails every release: a line a minute, with a count. */
  private final ThrottledLog log;
  private final Duration lease;
  private final SingleFlight<String, UpstreamTokens> refreshes = new SingleFlight<>();

  /** What the store holds for a grant: the sealed value, and the tokens in it. */
  private record Stored(String sealed, UpstreamTokens tokens) {}

  public UpstreamSession(UpstreamProvider provider, UpstreamTokenSealer sealer, UpstreamTokenStore store, GrantStore grants,
      Consumer<String> revokeGrant, Clock clock) {
    this.store = store;
    this.grants = grants;
    this.sealer = sealer;
    this.client = new UpstreamClient(provider, clock);
    this.revokeGrant = revokeGrant;
    this.clock = clock;
    this.log = new ThrottledLog(LOG, ThrottledLog.DEFAULT_INTERVAL, clock);
    // A refresh is at most two requests upstream (the metadata if due, then the token endpoint), each
    // bounded by the timeouts; the lease outlasts both, with room for the store.
    Duration request = provider.connectTimeout().plus(provider.readTimeout());
    this.lease = request.multipliedBy(2).plusSeconds(5);
  }

  /**
   * The grant's upstream tokens, refreshed if they were about to expire.
   *
   * @throws OAuthException {@code invalid_token} if the grant has no upstream tokens (any more) or
   *     the provider refused the refresh (the grant is then revoked); {@code temporarily_unavailable}
   *     if the provider or the store cannot be reached
   */
  public UpstreamTokens tokens(String grantId) {
    Stored current = stored(grantId);
    if (!current.tokens().expiresWithin(REFRESH_MARGIN, clock.instant()) || current.tokens().refreshToken() == null) {
      return current.tokens();
    }
    // Done once the store holds other tokens than these (another request or replica refreshed).
    return refreshes.run(grantId, () -> refreshUnlessDone(grantId, stored -> !stored.sealed().equals(current.sealed())
        || !stored.tokens().expiresWithin(REFRESH_MARGIN, clock.instant())));
  }

  /** Forces a refresh (the provider answered 401 to the current token), single-flight as above. */
  public UpstreamTokens refreshed(String grantId, String rejectedAccessToken) {
    // Done once another request (or replica) has refreshed since the token was rejected.
    return refreshes.run(grantId,
        () -> refreshUnlessDone(grantId, stored -> !stored.tokens().accessToken().equals(rejectedAccessToken)));
  }

  /**
   * Refreshes the grant's tokens under its lease, unless {@code done} says the stored ones need none;
   * refused the lease, waits for the holder's tokens (or for its lease to lapse).
   */
  private UpstreamTokens refreshUnlessDone(String grantId, Predicate<Stored> done) {
    String owner = UUID.randomUUID().toString();
    long deadline = System.nanoTime() + lease.plusSeconds(1).toNanos();
    Duration pause = FIRST_POLL;
    while (true) {
      Stored current = stored(grantId); // gone: the holder's refresh was refused and the grant ended
      if (done.test(current)) {
        return current.tokens();
      }
      if (store.acquireRefreshLease(grantId, owner, lease)) {
        try {
          // Read again under the lease: the previous holder may have saved and released just before.
          Stored leased = stored(grantId);
          return done.test(leased) ? leased.tokens() : refresh(grantId, leased.tokens());
        } finally {
          release(grantId, owner);
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw OAuthException.temporarilyUnavailable("The upstream identity provider cannot be used right now",
            "another replica's upstream refresh of this grant did not end within its lease");
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw OAuthException.temporarilyUnavailable("The upstream identity provider cannot be used right now",
            "interrupted while another replica refreshed the grant's upstream tokens");
      }
      pause = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
    }
  }

  /** Under the grant's lease: one request upstream with the stored refresh token (RFC 6749 §6). */
  private UpstreamTokens refresh(String grantId, UpstreamTokens current) {
    if (current.refreshToken() == null) {
      throw ended(grantId);
    }
    UpstreamTokens fresh;
    try {
      fresh = client.refresh(current);
    } catch (OAuthException e) {
      if (e.code() == ErrorCode.INVALID_GRANT) {
        throw ended(grantId);
      }
      throw e;
    }
    Grant grant = grants.find(grantId).orElseThrow(() -> ended(grantId));
    store.save(grantId, sealer.seal(fresh, grantId), grant.expiresAt());
    return fresh;
  }

  /** Gives the lease back; if the store fails, the lease lapses on its own. */
  private void release(String grantId, String owner) {
    try {
      store.releaseRefreshLease(grantId, owner);
    } catch (OAuthException e) {
      log.warn("The upstream refresh lease of a grant could not be released; it lapses in {} s: {}", lease.toSeconds(),
          e.internalDetail());
    }
  }

  private Stored stored(String grantId) {
    String sealed = store.find(grantId).orElseThrow(
        () -> OAuthException.invalidToken("The upstream sign-in of this grant has ended"));
    return new Stored(sealed, sealer.open(sealed, grantId));
  }

  /** The provider refused: the upstream tokens go first, so replicas waiting for them stop waiting. */
  private OAuthException ended(String grantId) {
    store.delete(grantId);
    revokeGrant.accept(grantId);
    return OAuthException.invalidToken("The upstream sign-in has ended; authorize again");
  }
}
