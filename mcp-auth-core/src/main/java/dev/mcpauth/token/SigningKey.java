package dev.mcpauth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.text.ParseException;
import java.util.Objects;

/**
 * A private key that signs access tokens: EC P-256 with ES256 (the default), or RSA of at least 2048
 * bits with RS256 or PS256. The key id is the JWK's {@code kid}, or its RFC 7638 thumbprint.
 *
 * <p>{@link #toString()} shows only the key id and algorithm. Immutable and thread-safe.
 */
public final class SigningKey {
  private final JWK privateJwk;
  private final JWK publicJwk;
  private final JWSAlgorithm algorithm;
  private final JWSSigner signer;
  private final JWSVerifier verifier;

  private SigningKey(JWK jwk, JWSAlgorithm algorithm) throws JOSEException {
    String keyId = jwk.getKeyID() != null ? jwk.getKeyID() : jwk.computeThumbprint().toString();
    if (jwk instanceof ECKey ec) {
      ECKey withId = new ECKey.Builder(ec).keyID(keyId).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).build();
      this.privateJwk = withId;
      this.signer = new ECDSASigner(withId);
      this.verifier = new ECDSAVerifier(withId.toECPublicKey());
    } else {
      RSAKey rsa = (RSAKey) jwk;
      RSAKey withId = new RSAKey.Builder(rsa).keyID(keyId).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).build();
      this.privateJwk = withId;
      this.signer = new RSASSASigner(withId);
      this.verifier = new RSASSAVerifier(withId.toRSAPublicKey());
    }
    this.publicJwk = privateJwk.toPublicJWK();
    this.algorithm = algorithm;
  }

  /** A new EC P-256 key for ES256. */
  public static SigningKey generate() {
    try {
      return new SigningKey(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key", e);
    }
  }

  /**
   * A key from a private JWK in JSON: EC P-256 (ES256) or RSA of at least 2048 bits (RS256, or PS256
   * when the JWK's {@code alg} says so).
   *
   * @throws IllegalArgumentException if the JSON is not such a private key; the message never
   *     contains key material
   */
  public static SigningKey fromJwk(String json) {
    JWK jwk;
    try {
      jwk = JWK.parse(Objects.requireNonNull(json, "json"));
    } catch (ParseException e) {
      throw new IllegalArgumentException("the signing key is not a valid JWK");
    }
    if (!jwk.isPrivate()) {
      throw new IllegalArgumentException("the signing key JWK has no private part");
    }
    try {
      if (jwk instanceof ECKey ec) {
        if (!Curve.P_256.equals(ec.getCurve())) {
          throw new IllegalArgumentException("an EC signing key must be on curve P-256");
        }
        return new SigningKey(ec, JWSAlgorithm.ES256);
      }
      if (jwk instanceof RSAKey rsa) {
        if (rsa.size() < 2048) {
          throw new IllegalArgumentException("an RSA signing key must have at least 2048 bits");
        }
        JWSAlgorithm alg = JWSAlgorithm.PS256.equals(rsa.getAlgorithm()) ? JWSAlgorithm.PS256 : JWSAlgorithm.RS256;
        return new SigningKey(rsa, alg);
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the signing key cannot be used: " + e.getClass().getSimpleName());
    }
    throw new IllegalArgumentException("the signing key must be an EC P-256 or RSA key");
  }

  public String keyId() {
    return privateJwk.getKeyID();
  }

  /** The JWS algorithm name, e.g. {@code ES256}. */
  public String algorithm() {
    return algorithm.getName();
  }

  /** The public half as a JWK JSON object, as published in the JWKS document. */
  public String publicJwkJson() {
    return publicJwk.toJSONString();
  }

  JWSAlgorithm jwsAlgorithm() {
    return algorithm;
  }

  JWSSigner signer() {
    return signer;
  }

  JWSVerifier verifier() {
    return verifier;
  }

  JWK publicJwk() {
    return publicJwk;
  }

  @Override
  public String toString() {
    return "SigningKey[kid=" + keyId() + ", alg=" + algorithm() + "]";
  }
}
