package dev.mcpauth.upstream;

import java.time.Instant;
import java.util.Objects;

/**
 * What an upstream identity provider issued for one local grant: its access token, its refresh
 * token if any, and when the access token expires. These never reach the MCP client, and the
 * client's token never reaches the provider (no token passthrough). Stored only sealed ({@link
 * UpstreamTokenSealer}). {@link #toString()} shows no token. Immutable and thread-safe.
 *
 * @param accessToken the upstream access token
 * @param refreshToken the upstream refresh token, or {@code null}
 * @param expiresAt when the access token expires, or {@code null} if the provider did not say
 * @param scope the scope the provider granted, or {@code null}
 */
public record UpstreamTokens(String accessToken, String refreshToken, Instant expiresAt, String scope) {
  public UpstreamTokens {
    Objects.requireNonNull(accessToken, "accessToken");
  }

  /** Whether the access token has expired, or will within {@code margin} of {@code now}. */
  public boolean expiresWithin(java.time.Duration margin, Instant now) {
    return expiresAt != null && !now.plus(margin).isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "UpstreamTokens[accessToken=***, refreshToken=" + (refreshToken == null ? "none" : "***")
        + ", expiresAt=" + expiresAt + ", scope=" + scope + "]";
  }
}
