package dev.mcpauth.resource;

import dev.mcpauth.OAuthException;
import dev.mcpauth.token.VerifiedToken;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the JWT and the introspection verifier share once an issuer vouched for a token. */
final class Tokens {
  private Tokens() {}

  /** Whether {@code audiences} name this resource or an accepted alias: configuration, never the request. */
  static boolean acceptsAudience(ResourceServer.Config config, List<String> audiences) {
    return audiences != null && audiences.stream().anyMatch(config.audiences()::contains);
  }

  /**
   * Maps the claims of a token whose issuer, audience and times the caller has checked to subject,
   * client and scopes; a token without a subject is refused. Its audience is the resource itself,
   * whichever accepted alias the token named.
   */
  static VerifiedToken verified(ResourceServer.Config config, Map<String, Object> claims, String issuer,
      Instant issuedAt, Instant expiresAt, String tokenId) {
    ClaimsMapping.Identity identity = config.claimsMapping().map(claims);
    if (identity == null || identity.subject() == null) {
      throw OAuthException.invalidToken("The access token names no subject");
    }
    return new VerifiedToken(identity.subject(), identity.clientId(), identity.scopes(), config.resource(), issuer,
        issuedAt, expiresAt, tokenId, null, claims);
  }
}
