package dev.mcpauth.client;

import java.util.Arrays;
import java.util.Optional;

/** How a client authenticates at the token, revocation and introspection endpoints (RFC 7591 §2). */
public enum ClientAuthMethod {
  /** A public client: identified by {@code client_id}, no secret; PKCE protects its codes. */
  NONE("none"),
  CLIENT_SECRET_BASIC("client_secret_basic"),
  CLIENT_SECRET_POST("client_secret_post"),
  /** A JWT signed with the client's private key, verified with its published keys (RFC 7523 §2.2). */
  PRIVATE_KEY_JWT("private_key_jwt");

  private final String value;

  ClientAuthMethod(String value) {
    this.value = value;
  }

  /** The registered name, as in {@code token_endpoint_auth_method}. */
  public String value() {
    return value;
  }

  /** Whether the client proves its identity (by a secret or a key): not {@link #NONE}. */
  public boolean isConfidential() {
    return this != NONE;
  }

  /** Whether the client proves its identity by a shared secret, which the server keeps as a hash. */
  public boolean usesSecret() {
    return this == CLIENT_SECRET_BASIC || this == CLIENT_SECRET_POST;
  }

  public static Optional<ClientAuthMethod> fromValue(String value) {
    return Arrays.stream(values()).filter(m -> m.value.equals(value)).findFirst();
  }
}
