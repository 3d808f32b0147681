package dev.mcpauth.client;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.store.ClientAssertionStore;
import dev.mcpauth.store.TokenHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * Verifies a client assertion ({@code private_key_jwt}, RFC 7523 §2.2 and §3) against the client's
 * published keys:
 *
 * <ul>
 *   <li>an algorithm of {@link ClientIdentity#ASSERTION_ALGORITHMS};
 *   <li>{@code iss} and {@code sub} both the client id; {@code aud} the issuer or the token endpoint
 *       (clients differ); {@code exp} present, not passed, and at most {@link #MAX_LIFETIME} ahead;
 *   <li>{@code jti} present and never accepted before: recorded in the shared store until {@code exp},
 *       so a replay fails at any replica. Recorded last, so that junk cannot use up an id.
 * </ul>
 *
 * Every failure is {@code invalid_client}. Thread-safe.
 */
final class ClientAssertions {
  /** How far ahead an assertion may expire: it is a one-time proof, and its id is kept that long. */
  static final Duration MAX_LIFETIME = Duration.ofMinutes(10);
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.copyOf(ClientIdentity.ASSERTION_ALGORITHMS);
  /** {@code JWT}, none, or the type draft-ietf-oauth-rfc7523bis gives client assertions. */
  private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
      JOSEObjectType.JWT, null, new JOSEObjectType("client-authentication+jwt"));

  private final Set<String> audiences;
  private final ClientKeys keys;
  private final ClientAssertionStore used;
  private final Clock clock;
  private final Duration clockSkew;

  ClientAssertions(Set<String> audiences, ClientKeys keys, ClientAssertionStore used, Clock clock, Duration clockSkew) {
    this.audiences = Set.copyOf(audiences);
    this.keys = keys;
    this.used = used;
    this.clock = clock;
    this.clockSkew = clockSkew;
  }

  /** @throws OAuthException {@code invalid_client} unless the assertion proves {@code client} */
  void verify(PrivateKeyJWT authentication, Client client) {
    SignedJWT assertion = authentication.getClientAssertion();
    if (!ALGORITHMS.contains(assertion.getHeader().getAlgorithm())) {
      throw failed("The client assertion's signing algorithm is not accepted");
    }
    Instant now = clock.instant();
    JWTClaimsSet claims = checkSignatureAndClaims(assertion, client);
    Instant expiresAt = claims.getExpirationTime().toInstant();
    if (expiresAt.isAfter(now.plus(MAX_LIFETIME).plus(clockSkew))) {
      throw failed("The client assertion expires too far ahead (at most " + MAX_LIFETIME.toMinutes() + " minutes)");
    }
    if (claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(now.plus(clockSkew))) {
      throw failed("The client assertion is issued in the future");
    }
    String id = client.clientId().length() + ":" + client.clientId() + claims.getJWTID();
    if (!used.markUsed(TokenHash.of(id), expiresAt.plus(clockSkew))) {
      throw failed("The client assertion has already been used");
    }
  }

  private JWTClaimsSet checkSignatureAndClaims(SignedJWT assertion, Client client) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(TYPES);
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(keys.of(client))));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
        audiences,
        new JWTClaimsSet.Builder().issuer(client.clientId()).subject(client.clientId()).build(),
        Set.of("exp", "jti"),
        null) {
      @Override
      protected Date currentTime() {
        return Date.from(clock.instant());
      }
    };
    claims.setMaxClockSkew((int) clockSkew.toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
    try {
      return processor.process(assertion, null);
    } catch (BadJWTException e) {
      throw failed("The client assertion's claims are not valid here: " + e.getMessage());
    } catch (BadJOSEException e) {
      throw failed("The client assertion's signature does not verify with the client's keys");
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new OAuthException(ErrorCode.INVALID_CLIENT, "The client assertion could not be verified", e.getClass().getName());
    }
  }

  private static OAuthException failed(String description) {
    return OAuthException.invalidClient(description);
  }
}
