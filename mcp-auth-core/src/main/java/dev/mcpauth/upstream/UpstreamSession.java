package dev.mcpauth.upstream;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.store.GrantStore;
import dev.mcpauth.store.UpstreamTokenStore;
import dev.mcpauth.token.Grant;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The upstream access token of a local grant, for a tool handler (or the proxy) to call the
 * provider's APIs as the user. A token about to expire is refreshed first, single-flight: however
 * many requests of one grant ask at once, one refresh goes upstream and all get its result. When the
 * provider refuses the refresh for good, the local grant is revoked, so the MCP client's next
 * request gets a 401 and it authorizes again. Thread-safe.
 */
public final class UpstreamSession {
  /** Refresh this long before the provider's expiry, so a token is not handed out to die in flight. */
  static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);

  private final UpstreamTokenStore store;
  private final GrantStore grants;
  private final UpstreamTokenSealer sealer;
  private final UpstreamClient client;
  private final Consumer<String> revokeGrant;
  private final Clock clock;
  private final SingleFlight<String, UpstreamTokens> refreshes = new SingleFlight<>();

  public UpstreamSession(UpstreamProvider provider, UpstreamTokenSealer sealer, UpstreamTokenStore store, GrantStore grants,
      Consumer<String> revokeGrant, Clock clock) {
    this.store = store;
    this.grants = grants;
    this.sealer = sealer;
    this.client = new UpstreamClient(provider, clock);
    this.revokeGrant = revokeGrant;
    this.clock = clock;
  }

  /**
   * The grant's upstream tokens, refreshed if they were about to expire.
   *
   * @throws OAuthException {@code invalid_token} if the grant has no upstream tokens (any more) or
   *     the provider refused the refresh (the grant is then revoked); {@code temporarily_unavailable}
   *     if the provider or the store cannot be reached
   */
  public UpstreamTokens tokens(String grantId) {
    UpstreamTokens current = stored(grantId);
    if (!current.expiresWithin(REFRESH_MARGIN, clock.instant()) || current.refreshToken() == null) {
      return current;
    }
    return refreshes.run(grantId, () -> refresh(grantId, false));
  }

  /** Forces a refresh (the provider answered 401 to the current token), single-flight as above. */
  public UpstreamTokens refreshed(String grantId, String rejectedAccessToken) {
    return refreshes.run(grantId, () -> {
      UpstreamTokens current = stored(grantId);
      // Another request (or replica) may have refreshed since the token was rejected.
      return current.accessToken().equals(rejectedAccessToken) ? refresh(grantId, true) : current;
    });
  }

  /** @param force refresh even if the stored token looks valid (the provider rejected it) */
  private UpstreamTokens refresh(String grantId, boolean force) {
    UpstreamTokens current = stored(grantId);
    if (!force && !current.expiresWithin(REFRESH_MARGIN, clock.instant())) {
      return current; // another replica refreshed meanwhile
    }
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

  private UpstreamTokens stored(String grantId) {
    String sealed = store.find(grantId).orElseThrow(
        () -> OAuthException.invalidToken("The upstream sign-in of this grant has ended"));
    return sealer.open(sealed, grantId);
  }

  private OAuthException ended(String grantId) {
    revokeGrant.accept(grantId);
    return OAuthException.invalidToken("The upstream sign-in has ended; authorize again");
  }
}
