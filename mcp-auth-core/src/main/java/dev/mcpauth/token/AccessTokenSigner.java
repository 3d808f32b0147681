package dev.mcpauth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpauth.internal.Scopes;
import dev.mcpauth.internal.Settings;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * Signs access tokens as JWTs per RFC 9068: header {@code typ: at+jwt} and {@code kid}; claims
 * {@code iss}, {@code sub}, {@code aud} (the resource), {@code client_id}, {@code scope}, {@code
 * jti}, {@code iat}, {@code exp}, and {@code grant_id}, which lets the verifier see a revoked grant.
 */
final class AccessTokenSigner {
  static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
  static final String GRANT_ID = "grant_id";
  static final String CLIENT_ID = "client_id";
  static final String SCOPE = "scope";

  private final Settings settings;

  AccessTokenSigner(Settings settings) {
    this.settings = settings;
  }

  String sign(Grant grant, Set<String> scopes, Instant now) {
    SigningKey key = settings.keys().active();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(settings.issuer())
        .subject(grant.subject())
        .audience(grant.resource())
        .claim(CLIENT_ID, grant.clientId())
        .claim(SCOPE, Scopes.join(scopes))
        .jwtID(settings.secrets().newId())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(expiry(now)))
        .claim(GRANT_ID, grant.id())
        .build();
    JWSHeader header = new JWSHeader.Builder(key.jwsAlgorithm()).type(AT_JWT).keyID(key.keyId()).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(key.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing an access token failed", e);
    }
    return jwt.serialize();
  }

  Instant expiry(Instant now) {
    return now.plus(settings.lifetimes().accessToken());
  }
}
