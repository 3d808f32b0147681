package dev.mcpauth.token;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An access token that {@link TokenVerifier} has checked: signature, type, issuer, audience, expiry
 * and revocation. Only the verifier can make one, so a method that takes a {@code VerifiedToken}
 * cannot be handed an unchecked token. It holds no token value. Immutable and thread-safe.
 */
public final class VerifiedToken {
  private final String subject;
  private final String clientId;
  private final Set<String> scopes;
  private final String audience;
  private final String issuer;
  private final Instant issuedAt;
  private final Instant expiresAt;
  private final String tokenId;
  private final String grantId;

  VerifiedToken(
      String subject, String clientId, Set<String> scopes, String audience, String issuer,
      Instant issuedAt, Instant expiresAt, String tokenId, String grantId) {
    this.subject = subject;
    this.clientId = clientId;
    this.scopes = Set.copyOf(scopes);
    this.audience = audience;
    this.issuer = issuer;
    this.issuedAt = issuedAt;
    this.expiresAt = expiresAt;
    this.tokenId = tokenId;
    this.grantId = grantId;
  }

  /** The user the token acts for ({@code sub}). */
  public String subject() {
    return subject;
  }

  /** The client the token was issued to ({@code client_id}). */
  public String clientId() {
    return clientId;
  }

  public Set<String> scopes() {
    return scopes;
  }

  /** The resource the token is for ({@code aud}). */
  public String audience() {
    return audience;
  }

  public String issuer() {
    return issuer;
  }

  public Instant issuedAt() {
    return issuedAt;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  /** The token's {@code jti}. */
  public String tokenId() {
    return tokenId;
  }

  /** The grant the token was issued from. */
  public String grantId() {
    return grantId;
  }

  public boolean hasScopes(Collection<String> required) {
    return scopes.containsAll(required);
  }

  /** The scopes of {@code required} this token lacks, in their order. */
  public Set<String> missingScopes(Collection<String> required) {
    Set<String> missing = new LinkedHashSet<>(required);
    missing.removeAll(scopes);
    return missing;
  }

  @Override
  public String toString() {
    return "VerifiedToken[sub=" + subject + ", client_id=" + clientId + ", scope=" + scopes
        + ", aud=" + audience + ", exp=" + expiresAt + "]";
  }
}
