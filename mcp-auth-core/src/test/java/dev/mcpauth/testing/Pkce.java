package dev.mcpauth.testing;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;

/** A PKCE verifier and its S256 challenge, made the way a client makes them. */
public record Pkce(String verifier, String challenge) {
  public static Pkce generate() {
    CodeVerifier verifier = new CodeVerifier();
    return new Pkce(verifier.getValue(), CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue());
  }
}
