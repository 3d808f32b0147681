package dev.mcpauth.token;

/** The one-time credentials a {@link dev.mcpauth.store.TokenStore} holds. */
public enum TokenKind {
  AUTHORIZATION_CODE,
  REFRESH_TOKEN
}
