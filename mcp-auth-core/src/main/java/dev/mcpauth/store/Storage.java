package dev.mcpauth.store;

import java.util.Optional;

/**
 * Everything the authorization server keeps, as one pluggable unit. Every value given to a store is
 * free of raw secrets: codes, tokens, client secrets and handles arrive as {@link TokenHash}es.
 * Implementations must be thread-safe.
 *
 * <p>A store whose backend fails (unreachable, timed out, refused) throws {@link
 * dev.mcpauth.OAuthException#temporarilyUnavailable}, never its driver's exception: the endpoints then
 * answer {@code 503 temporarily_unavailable} with {@code Retry-After}, the pages show an error, and the
 * MCP endpoint refuses what it cannot check. Each call is one atomic write or read, so a failed call
 * leaves nothing half-written.
 */
public interface Storage {
  ClientStore clients();

  PendingAuthorizationStore pendingAuthorizations();

  GrantStore grants();

  TokenStore tokens();

  /** The client assertions ({@code private_key_jwt}) already used: each is accepted once. */
  ClientAssertionStore clientAssertions();

  /** Which principal opened each MCP session, so that the MCP endpoint refuses it to anyone else. */
  McpSessionStore mcpSessions();

  /**
   * Sealed upstream tokens, for servers that federate the login to an upstream identity provider.
   * Stores written before federation existed need not keep them: the default refuses, and a server
   * configured with an upstream provider fails at start-up on such a store.
   */
  default UpstreamTokenStore upstreamTokens() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no upstream tokens");
  }

  /**
   * Signed-in browsers of the login page. Empty (the default, for stores written before login sessions
   * existed) means no browser stays signed in: the password is asked at every authorization.
   */
  default Optional<LoginSessionStore> loginSessions() {
    return Optional.empty();
  }

  /**
   * The rate limiter's buckets, when replicas share this store and so should share the limits.
   * Empty (the default, and the in-memory store's answer) means each process counts on its own.
   */
  default Optional<RateLimitStore> rateLimits() {
    return Optional.empty();
  }
}
