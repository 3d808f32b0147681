package dev.mcpauth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.BoundedCache;
import dev.mcpauth.internal.Scopes;
import dev.mcpauth.internal.Settings;
import dev.mcpauth.store.TokenHash;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies the bearer tokens sent to one of this server's protected resources: RFC 9068 access
 * tokens signed by this server. A token passes only if its signature checks against a current key
 * with the key's own algorithm, {@code typ} is {@code at+jwt}, {@code iss} is this issuer, {@code
 * aud} is this resource, it has not expired (allowing the configured skew), a retired key signed it
 * before its retirement, and its grant has not been revoked and approved what it claims: subject,
 * client, resource and (at least) its scopes.
 *
 * <p>This runs on every MCP request, so a token seen before costs a SHA-256 and a map lookup: results
 * are cached (bounded) until the token expires. Revocations made through this server drop cached
 * entries at once; a grant is also re-read from the store once per revocation check interval, which
 * bounds how long a revocation made by another replica takes to be seen. Thread-safe.
 */
final class IssuedTokenVerifier implements TokenVerifier {
  private record Cached(VerifiedToken token, Instant checkedAt) {}

  private final Settings settings;
  private final String resource;
  private final BoundedCache<TokenHash, Cached> cache;

  /**
   * @param resource the resource whose tokens to accept, or {@code null} for any resource of this
   *     server (for introspection and revocation)
   */
  IssuedTokenVerifier(Settings settings, String resource) {
    this.settings = settings;
    this.resource = resource;
    this.cache = new BoundedCache<>(settings.verificationCacheSize());
  }

  @Override
  public VerifiedToken verify(String token) {
    if (token == null || token.isEmpty() || token.length() > 8192) {
      throw OAuthException.invalidToken("The access token is malformed");
    }
    TokenHash key = TokenHash.of(token);
    Instant now = settings.clock().instant();
    Cached cached = cache.get(key);
    if (cached != null) {
      if (!isExpired(cached.token.expiresAt(), now)
          && now.isBefore(cached.checkedAt.plus(settings.lifetimes().revocationCheckInterval()))) {
        return cached.token;
      }
      cache.remove(key);
    }
    VerifiedToken verified = verifyUncached(token, now);
    cache.put(key, new Cached(verified, now));
    return verified;
  }

  /** Drops cached results for a revoked grant. */
  void forgetGrant(String grantId) {
    cache.removeIf(cached -> cached.token.grantId().equals(grantId));
  }

  private VerifiedToken verifyUncached(String token, Instant now) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw OAuthException.invalidToken("The access token is malformed");
    } catch (RuntimeException e) {
      // Nimbus lets some malformed tokens out unchecked: a header that is JSON null is a NullPointerException.
      throw new OAuthException(ErrorCode.INVALID_TOKEN, "The access token is malformed", e.getClass().getName());
    }
    JWSHeader header = jwt.getHeader();
    if (!AccessTokenSigner.AT_JWT.equals(header.getType())
        && !new JOSEObjectType("application/at+jwt").equals(header.getType())) {
      throw OAuthException.invalidToken("The token is not an access token (typ must be at+jwt)");
    }
    SigningKeys.VerificationKey key = settings.keys().verificationKey(header.getKeyID(), now)
        .orElseThrow(() -> OAuthException.invalidToken("The access token is not signed by a current key"));
    // The key decides the algorithm; the header merely has to agree (no alg confusion, no "none").
    if (!key.key().jwsAlgorithm().equals(header.getAlgorithm()) || !verifySignature(jwt, key.key())) {
      throw OAuthException.invalidToken("The access token signature is invalid");
    }
    if (!settings.issuer().equals(claims.getIssuer())) {
      throw OAuthException.invalidToken("The access token was issued by another server");
    }
    String audience = audience(claims.getAudience());
    Instant expiresAt = instant(claims.getExpirationTime());
    Instant issuedAt = instant(claims.getIssueTime());
    if (expiresAt == null || issuedAt == null || isExpired(expiresAt, now)) {
      throw OAuthException.invalidToken("The access token has expired");
    }
    if (issuedAt.isAfter(now.plus(settings.lifetimes().clockSkew()))) {
      throw OAuthException.invalidToken("The access token was issued in the future");
    }
    if (Duration.between(issuedAt, expiresAt)
        .compareTo(settings.lifetimes().accessToken().plus(settings.lifetimes().clockSkew())) > 0) {
      // This server never issues such a token: whoever signed it holds a key, not a grant.
      throw OAuthException.invalidToken("The access token's lifetime is longer than this server issues");
    }
    if (key.retiredAt() != null && issuedAt.isAfter(key.retiredAt().plus(settings.lifetimes().clockSkew()))) {
      throw OAuthException.invalidToken("The access token was issued after its signing key was retired");
    }
    String subject = claims.getSubject();
    String clientId = stringClaim(claims, AccessTokenSigner.CLIENT_ID);
    String grantId = stringClaim(claims, AccessTokenSigner.GRANT_ID);
    String scope = stringClaim(claims, AccessTokenSigner.SCOPE);
    if (subject == null || clientId == null || grantId == null || claims.getJWTID() == null) {
      throw OAuthException.invalidToken("The access token lacks required claims");
    }
    Grant grant = settings.storage().grants().find(grantId)
        .orElseThrow(() -> OAuthException.invalidToken("The access token has been revoked"));
    Set<String> scopes = scopes(scope);
    // A signature proves only that a key signed; the grant says what was approved. A token must
    // claim no more than its grant (whoever holds a retired key can write any iat and claims), and
    // cannot predate it. Refreshes may narrow scopes (RFC 6749 §6), so a subset is enough.
    if (!grant.subject().equals(subject) || !grant.clientId().equals(clientId) || !grant.resource().equals(audience)
        || !grant.scopes().containsAll(scopes)
        || issuedAt.isBefore(grant.createdAt().minus(settings.lifetimes().clockSkew()))) {
      throw OAuthException.invalidToken("The access token does not match its grant");
    }
    return new VerifiedToken(grant.subject(), grant.clientId(), scopes, grant.resource(), claims.getIssuer(),
        issuedAt, expiresAt, claims.getJWTID(), grant.id(), Map.of(), grant.isClientGrant());
  }

  private String audience(List<String> audiences) {
    if (audiences == null || audiences.isEmpty()) {
      throw OAuthException.invalidToken("The access token has no audience");
    }
    for (String candidate : audiences) {
      if (resource == null ? settings.resources().contains(candidate) : resource.equals(candidate)) {
        return candidate;
      }
    }
    throw OAuthException.invalidToken("The access token is for another resource");
  }

  private boolean isExpired(Instant expiresAt, Instant now) {
    return !now.isBefore(expiresAt.plus(settings.lifetimes().clockSkew()));
  }

  private static boolean verifySignature(SignedJWT jwt, SigningKey key) {
    try {
      return jwt.verify(key.verifier());
    } catch (JOSEException e) {
      return false;
    }
  }

  private static String stringClaim(JWTClaimsSet claims, String name) {
    try {
      return claims.getStringClaim(name);
    } catch (ParseException e) {
      throw OAuthException.invalidToken("The access token has a malformed " + name + " claim");
    }
  }

  private static Set<String> scopes(String scope) {
    try {
      return Scopes.parse(scope);
    } catch (OAuthException e) {
      throw OAuthException.invalidToken("The access token has a malformed scope claim");
    }
  }

  private static Instant instant(Date date) {
    return date == null ? null : date.toInstant();
  }
}
