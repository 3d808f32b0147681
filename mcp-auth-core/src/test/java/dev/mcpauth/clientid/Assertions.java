package dev.mcpauth.clientid;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Client assertions (RFC 7523 §2.2) as test clients sign them. */
final class Assertions {
  static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  private Assertions() {}

  static RSAKey rsaKey() {
    try {
      return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static ECKey ecKey() {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code {"keys":[public part of key]}}. */
  static String jwks(JWK key) {
    return "{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}";
  }

  static String sign(JWK key, String clientId, String audience, Instant expiresAt, String jti) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(clientId).subject(clientId).audience(audience)
        .expirationTime(Date.from(expiresAt))
        .jwtID(jti).build();
    return sign(key, claims);
  }

  static String sign(JWK key, JWTClaimsSet claims) {
    try {
      JWSAlgorithm algorithm = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
      JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HS256 with the client's public key as the HMAC secret: the key confusion attack. */
  static String signHmacWithPublicKey(RSAKey key, String clientId, String audience, Instant expiresAt) {
    try {
      byte[] secret = key.toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      JWTClaimsSet claims = new JWTClaimsSet.Builder()
          .issuer(clientId).subject(clientId).audience(audience).expirationTime(Date.from(expiresAt))
          .jwtID(UUID.randomUUID().toString()).build();
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
