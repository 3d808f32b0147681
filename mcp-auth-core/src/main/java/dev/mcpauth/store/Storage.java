package dev.mcpauth.store;

/**
 * Everything the authorization server keeps, as one pluggable unit. Every value given to a store is
 * free of raw secrets: codes, tokens, client secrets and handles arrive as {@link TokenHash}es.
 * Implementations must be thread-safe.
 */
public interface Storage {
  ClientStore clients();

  PendingAuthorizationStore pendingAuthorizations();

  GrantStore grants();

  TokenStore tokens();
}
