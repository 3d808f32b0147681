package dev.mcpauth.client;

import java.util.Arrays;
import java.util.Optional;

/** How a client authenticates at the token, revocation and introspection endpoints (RFC 7591 §2). */
public enum ClientAuthMethod {
  /** A public client: identified by {@code client_id}, no secret; PKCE protects its codes. */
  NONE("none"),
  CLIENT_SECRET_BASIC("client_secret_basic"),
  CLIENT_SECRET_POST("client_secret_post");

  private final String value;

  ClientAuthMethod(String value) {
    this.value = value;
  }

  /** The registered name, as in {@code token_endpoint_auth_method}. */
  public String value() {
    return value;
  }

  public boolean isConfidential() {
    return this != NONE;
  }

  public static Optional<ClientAuthMethod> fromValue(String value) {
    return Arrays.stream(values()).filter(m -> m.value.equals(value)).findFirst();
  }
}
