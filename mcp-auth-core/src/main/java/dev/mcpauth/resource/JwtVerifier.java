package dev.mcpauth.resource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.DiscoveredIssuer;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Verifies JWT access tokens of an external authorization server against its JWKS (RFC 7515, RFC
 * 7517, RFC 9068 where the issuer follows it).
 *
 * <ul>
 *   <li>Keys come from the issuer's {@code jwks_uri} through Nimbus's JWK source: cached, fetched
 *       again when a token names a key the cache lacks, at most twice per refresh interval (so
 *       garbage tokens cannot hammer the issuer), with connect and read timeouts, and kept through
 *       an outage of the issuer for the configured tolerance.
 *   <li>Only RSA and ECDSA algorithms are accepted (RS, PS, ES with 256, 384 or 512 bits): {@code
 *       alg: none}, HMAC signed with a public key, and EdDSA are refused.
 *   <li>{@code typ}, if present, is {@code JWT} or {@code at+jwt}; {@code iss} is the configured
 *       issuer; {@code aud} (a string or an array) names an accepted audience; {@code exp} is
 *       required and in the future, {@code nbf} in the past, within the clock skew.
 *   <li>A token that passed is remembered (by SHA-256) until it expires, or at most one JWKS cache
 *       lifetime, so a repeated token costs a hash and a map lookup.
 * </ul>
 *
 * <p>The issuer unreachable while a key must be fetched gives {@code temporarily_unavailable}, never
 * an accepted unchecked token. Thread-safe.
 */
final class JwtVerifier implements TokenVerifier {
  private final ResourceServer.Config config;
  private final DiscoveredIssuer issuer;
  private final AtomicReference<DefaultJWTProcessor<SecurityContext>> processor = new AtomicReference<>();
  private final TrustedTokens trusted;

  JwtVerifier(ResourceServer.Config config, DiscoveredIssuer issuer) {
    this.config = config;
    this.issuer = issuer;
    this.trusted = new TrustedTokens(config.verificationCacheSize(), config.clock());
  }

  @Override
  public VerifiedToken verify(String token) {
    return trusted.verify(token, this::check);
  }

  /** Trusted until it expires, or at most one JWKS cache lifetime, so that a withdrawn key counts. */
  private TrustedTokens.Trusted check(String token, Instant now) {
    JWTClaimsSet claims = process(token);
    VerifiedToken verified = Tokens.verified(config, claims.toJSONObject(), claims.getIssuer(),
        instant(claims.getIssueTime()), instant(claims.getExpirationTime()), claims.getJWTID());
    Instant expiry = verified.expiresAt().plus(config.clockSkew());
    Instant keysRefreshed = now.plus(config.jwksCacheLifetime());
    return new TrustedTokens.Trusted(verified, expiry.isBefore(keysRefreshed) ? expiry : keysRefreshed);
  }

  private JWTClaimsSet process(String token) {
    try {
      return processor().process(token, null);
    } catch (KeySourceException e) {
      throw new OAuthException(ErrorCode.TEMPORARILY_UNAVAILABLE, "The authorization server's keys cannot be fetched",
          e.getClass().getSimpleName());
    } catch (BadJWTException e) {
      throw OAuthException.invalidToken(e.getMessage()); // our own claim checks: messages below, never the token
    } catch (ParseException | BadJOSEException | JOSEException e) {
      throw OAuthException.invalidToken("The access token is malformed or its signature is invalid");
    }
  }

  /** Built once the issuer's metadata is known, which may be long after start-up. */
  private DefaultJWTProcessor<SecurityContext> processor() {
    DefaultJWTProcessor<SecurityContext> known = processor.get();
    if (known != null) {
      return known;
    }
    AuthorizationServerMetadata metadata = issuer.get();
    if (metadata.getJWKSetURI() == null) {
      throw new OAuthException(ErrorCode.TEMPORARILY_UNAVAILABLE, "The authorization server publishes no keys",
          "its metadata has no jwks_uri: configure introspection instead");
    }
    processor.compareAndSet(null, newProcessor(metadata));
    return processor.get();
  }

  private DefaultJWTProcessor<SecurityContext> newProcessor(AuthorizationServerMetadata metadata) {
    JWKSource<SecurityContext> keys;
    try {
      keys = JWKSourceBuilder.<SecurityContext>create(metadata.getJWKSetURI().toURL(), new DefaultResourceRetriever(
              (int) config.connectTimeout().toMillis(), (int) config.readTimeout().toMillis(), ResourceServer.MAX_JWKS_BYTES))
          .cache(config.jwksCacheLifetime().toMillis(), config.readTimeout().toMillis() + config.connectTimeout().toMillis())
          .refreshAheadCache(false)
          .rateLimited(config.jwksRefreshMinInterval().toMillis())
          .retrying(false)
          .outageTolerant(config.jwksOutageTolerance().toMillis())
          .build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new OAuthException(ErrorCode.TEMPORARILY_UNAVAILABLE, "The authorization server's jwks_uri is unusable");
    }
    DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
    jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(config.algorithms(), keys));
    jwt.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
        JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
    jwt.setJWTClaimsSetVerifier((claims, context) -> checkClaims(claims));
    return jwt;
  }

  /** Issuer, audience and times, against this server's configuration and clock. */
  private void checkClaims(JWTClaimsSet claims) throws BadJWTException {
    if (!config.issuer().equals(claims.getIssuer())) {
      throw new BadJWTException("The access token was issued by another server");
    }
    if (!Tokens.acceptsAudience(config, claims.getAudience())) {
      throw new BadJWTException("The access token is for another resource");
    }
    Instant now = config.clock().instant();
    Instant expiresAt = instant(claims.getExpirationTime());
    if (expiresAt == null) {
      throw new BadJWTException("The access token has no expiry");
    }
    if (!now.isBefore(expiresAt.plus(config.clockSkew()))) {
      throw new BadJWTException("The access token has expired");
    }
    Instant notBefore = instant(claims.getNotBeforeTime());
    if (notBefore != null && now.plus(config.clockSkew()).isBefore(notBefore)) {
      throw new BadJWTException("The access token is not valid yet");
    }
  }

  /**
   * The RSA and ECDSA algorithms. Not EdDSA: Nimbus's JWKS key selector turns keys into Java keys,
   * which it does not do for Ed25519 (OKP) keys, so such tokens are refused as unverifiable.
   */
  static Set<JWSAlgorithm> supportedAlgorithms() {
    return Set.of(
        JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
        JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
        JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
  }

  private static Instant instant(Date date) {
    return Optional.ofNullable(date).map(Date::toInstant).orElse(null);
  }
}
