package dev.mcpauth.event;

/** What happened. */
public enum EventType {
  CLIENT_REGISTERED,
  AUTHORIZATION_APPROVED,
  AUTHORIZATION_DENIED,
  TOKENS_ISSUED,
  TOKENS_REFRESHED,
  /** An authorization code was presented again after it had been redeemed; its grant is revoked. */
  CODE_REPLAYED,
  /** A rotated-out refresh token was presented again; its grant is revoked. */
  REFRESH_TOKEN_REPLAYED,
  /** A code or refresh token was presented by a client other than its own; its grant is revoked. */
  TOKEN_PRESENTED_BY_WRONG_CLIENT,
  GRANT_REVOKED
}
