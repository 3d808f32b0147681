package dev.mcpauth.token;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An access token that a {@link TokenVerifier} has checked: signature or introspection, issuer,
 * audience, expiry and revocation. Verifiers make them, and the bearer filter hands on only what its
 * verifier returned, so a tool handler never sees an unchecked token. It holds no token value.
 * Immutable and thread-safe.
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
  private final Map<String, Object> claims;
  private final boolean clientToken;

  /**
   * For {@link TokenVerifier} implementations, once every check has passed. The token is taken to be
   * a client's own ({@link #isClientToken()}) by the rule of RFC 9068 §2.2: its subject is the client
   * ({@code sub} equals {@code client_id}), or its claims say so ({@code gty} {@code
   * client-credentials}, as Auth0 writes it).
   *
   * @param claims every claim of an external issuer's token (see {@link #claims()}); copied
   */
  public VerifiedToken(
      String subject, String clientId, Set<String> scopes, String audience, String issuer,
      Instant issuedAt, Instant expiresAt, String tokenId, String grantId, Map<String, Object> claims) {
    this(subject, clientId, scopes, audience, issuer, issuedAt, expiresAt, tokenId, grantId, claims,
        (subject != null && subject.equals(clientId))
            || "client-credentials".equals(claims.get("gty")) || "client_credentials".equals(claims.get("gty")));
  }

  /**
   * As above, saying whether the token is a client's own: issued by a {@code client_credentials}
   * grant, with no user involved.
   */
  public VerifiedToken(
      String subject, String clientId, Set<String> scopes, String audience, String issuer,
      Instant issuedAt, Instant expiresAt, String tokenId, String grantId, Map<String, Object> claims,
      boolean clientToken) {
    this.subject = subject;
    this.clientId = clientId;
    this.scopes = Set.copyOf(scopes);
    this.audience = audience;
    this.issuer = issuer;
    this.issuedAt = issuedAt;
    this.expiresAt = expiresAt;
    this.tokenId = tokenId;
    this.grantId = grantId;
    this.claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    this.clientToken = clientToken;
  }

  /**
   * Whether the token acts for a client itself, with no user: obtained by {@code client_credentials}
   * (MCP's OAuth client credentials extension). Its {@link #subject()} is then the client.
   */
  public boolean isClientToken() {
    return clientToken;
  }

  /** The user the token acts for ({@code sub}), or the client for a {@linkplain #isClientToken client token}. */
  public String subject() {
    return subject;
  }

  /** The client the token was issued to ({@code client_id}); {@code null} if an external issuer names none. */
  public String clientId() {
    return clientId;
  }

  /** The scopes granted; empty if none. */
  public Set<String> scopes() {
    return scopes;
  }

  /** The resource the token is for ({@code aud}). */
  public String audience() {
    return audience;
  }

  /** The authorization server that issued the token ({@code iss}). */
  public String issuer() {
    return issuer;
  }

  /** {@code iat}; {@code null} if an external issuer sets none. */
  public Instant issuedAt() {
    return issuedAt;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  /** The token's {@code jti}; {@code null} if an external issuer sets none. */
  public String tokenId() {
    return tokenId;
  }

  /** The grant the token was issued from; {@code null} for an external authorization server's token. */
  public String grantId() {
    return grantId;
  }

  /**
   * Every claim of an external authorization server's token (the JWT's claims, or the introspection
   * response), as JSON values ({@code String}, {@code Number}, {@code Boolean}, {@code List}, {@code
   * Map}), for application-specific ones such as a tenant or e-mail. Empty for tokens this library
   * issued: their claims are the accessors above. Unmodifiable.
   */
  public Map<String, Object> claims() {
    return claims;
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
        + ", aud=" + audience + ", exp=" + expiresAt + (clientToken ? ", client token" : "") + "]";
  }
}
