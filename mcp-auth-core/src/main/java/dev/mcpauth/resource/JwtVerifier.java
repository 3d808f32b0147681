package dev.mcpauth.resource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
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
import java.io.IOException;
import java.net.MalformedURLException;
import java.security.Key;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
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
 * <p>A key the issuer's JWKS lacks, as last fetched without error (and refetched for this token, or
 * not yet due again under the rate limit), gives {@code invalid_token}: the client needs a new
 * token, not a retry. The JWKS failing to arrive while a key must be looked up gives {@code
 * temporarily_unavailable}, never an accepted unchecked token. Thread-safe.
 */
final class JwtVerifier implements TokenVerifier {
  private final ResourceServer.Config config;
  private final DiscoveredIssuer issuer;
  private final AtomicReference<Processor> processor = new AtomicReference<>();
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
    Processor known = processor();
    try {
      return known.jwt().process(token, null);
    } catch (UnknownKey | RateLimitReachedException e) {
      // Absent from keys fetched fine (and refetched for it, or a refetch is not due): a bad token.
      // Absent after a failed fetch, or the keys due for a refresh that is not allowed yet: unknown.
      if (!known.keys().lastFetchFailed() && !known.keys().lastFetchedHas(token)) {
        throw OAuthException.invalidToken("The access token is signed by a key the authorization server does not publish");
      }
      throw new OAuthException(ErrorCode.TEMPORARILY_UNAVAILABLE, "The authorization server's keys cannot be fetched",
          e.getClass().getSimpleName());
    } catch (KeySourceException e) {
      throw new OAuthException(ErrorCode.TEMPORARILY_UNAVAILABLE, "The authorization server's keys cannot be fetched",
          e.getClass().getSimpleName());
    } catch (BadJWTException e) {
      throw OAuthException.invalidToken(e.getMessage()); // our own claim checks: messages below, never the token
    } catch (ParseException | BadJOSEException | JOSEException e) {
      throw OAuthException.invalidToken("The access token is malformed or its signature is invalid");
    } catch (OAuthException e) {
      throw e;
    } catch (RuntimeException e) {
      // Nimbus lets some malformed tokens out unchecked: a header that is JSON null is a NullPointerException.
      throw new OAuthException(ErrorCode.INVALID_TOKEN, "The access token is malformed", e.getClass().getName());
    }
  }

  /** Built once the issuer's metadata is known, which may be long after start-up. */
  private Processor processor() {
    Processor known = processor.get();
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

  private Processor newProcessor(AuthorizationServerMetadata metadata) {
    JWKSource<SecurityContext> keys;
    FetchedKeys fetched;
    try {
      fetched = new FetchedKeys(new URLBasedJWKSetSource<>(metadata.getJWKSetURI().toURL(), new DefaultResourceRetriever(
          (int) config.connectTimeout().toMillis(), (int) config.readTimeout().toMillis(), ResourceServer.MAX_JWKS_BYTES)));
      keys = JWKSourceBuilder.create(fetched)
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
    JWSVerificationKeySelector<SecurityContext> selector = new JWSVerificationKeySelector<>(config.algorithms(), keys);
    jwt.setJWSKeySelector((header, context) -> {
      List<? extends Key> found = selector.selectJWSKeys(header, context);
      if (found.isEmpty() && selector.isAllowed(header.getAlgorithm())) {
        throw new UnknownKey(); // an acceptable algorithm, but no such key even after the refetch
      }
      return found;
    });
    jwt.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
        JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
    jwt.setJWTClaimsSetVerifier((claims, context) -> checkClaims(claims));
    return new Processor(jwt, fetched);
  }

  private record Processor(DefaultJWTProcessor<SecurityContext> jwt, FetchedKeys keys) {}

  /** No key of the token's {@code kid} and algorithm among the issuer's keys as the cache has them. */
  private static final class UnknownKey extends KeySourceException {
    UnknownKey() {
      super("no matching key");
    }
  }

  /**
   * The JWKS fetches themselves, beneath Nimbus's outage tolerance, rate limit and cache: whether
   * the last one failed, and what it brought, so that an unknown key can be told from an outage.
   */
  private static final class FetchedKeys implements JWKSetSource<SecurityContext> {
    private final JWKSetSource<SecurityContext> fetcher;
    private volatile boolean lastFetchFailed = true; // nothing fetched yet
    private volatile JWKSet lastFetched = new JWKSet();

    FetchedKeys(JWKSetSource<SecurityContext> fetcher) {
      this.fetcher = fetcher;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long now, SecurityContext context)
        throws KeySourceException {
      try {
        JWKSet keys = fetcher.getJWKSet(refresh, now, context);
        lastFetched = keys;
        lastFetchFailed = false;
        return keys;
      } catch (KeySourceException | RuntimeException e) {
        lastFetchFailed = true;
        throw e;
      }
    }

    boolean lastFetchFailed() {
      return lastFetchFailed;
    }

    /** Whether the last keys fetched have one for this token's header; a header that cannot be read has none. */
    boolean lastFetchedHas(String token) {
      try {
        JWSHeader header = JWSObject.parse(token).getHeader();
        return !new JWKSelector(JWKMatcher.forJWSHeader(header)).select(lastFetched).isEmpty();
      } catch (ParseException e) {
        return false;
      }
    }

    @Override
    public void close() throws IOException {
      fetcher.close();
    }
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
