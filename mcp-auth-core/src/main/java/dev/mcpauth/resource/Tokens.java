package dev.mcpauth.resource;

import dev.mcpauth.OAuthException;
import dev.mcpauth.token.VerifiedToken;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the JWT and the introspection verifier share once an issuer vouched for a token. */
final class Tokens {
  private Tokens() {}

  /** The first of {@code audiences} this resource accepts; never one taken from the request. */
  static Optional<String> acceptedAudience(ResourceServer.Config config, List<String> audiences) {
    if (audiences == null) {
      return Optional.empty();
    }
    return audiences.stream().filter(config.audiences()::contains).findFirst();
  }

  /** Maps the claims to subject, client and scopes; a token without a subject is refused. */
  static VerifiedToken verified(ResourceServer.Config config, Map<String, Object> claims, String issuer,
      Instant issuedAt, Instant expiresAt, String tokenId, List<String> audiences) {
    ClaimsMapping.Identity identity = config.claimsMapping().map(claims);
    if (identity == null || identity.subject() == null) {
      throw OAuthException.invalidToken("The access token names no subject");
    }
    // The resource itself, whichever accepted alias the token named.
    acceptedAudience(config, audiences).orElseThrow(() -> OAuthException.invalidToken("The access token is for another resource"));
    return new VerifiedToken(identity.subject(), identity.clientId(), identity.scopes(), config.resource(), issuer,
        issuedAt, expiresAt, tokenId, null, claims);
  }
}
