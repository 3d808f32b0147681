package dev.mcpauth.store;

import dev.mcpauth.token.StoredToken;
import java.util.Objects;

/**
 * The outcome of {@link TokenStore#consume}: the token, and whether this call was the first to
 * consume it. A second consumption is a replay, which revokes the token's grant.
 *
 * @param token the stored token
 * @param firstUse {@code true} for exactly one {@code consume} call per token
 */
public record Redemption(StoredToken token, boolean firstUse) {
  public Redemption {
    Objects.requireNonNull(token, "token");
  }
}
