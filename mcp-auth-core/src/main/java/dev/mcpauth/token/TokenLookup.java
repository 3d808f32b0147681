package dev.mcpauth.token;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.Settings;
import dev.mcpauth.store.TokenHash;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Finds what a token presented to the revocation or introspection endpoint is: one of this server's
 * access tokens (for any of its resources) or a live refresh token.
 */
final class TokenLookup {
  /** What such a token is, without its value. */
  record Found(String kind, String clientId, String grantId, String subject, Set<String> scopes,
      String audience, Instant issuedAt, Instant expiresAt) {}

  private final IssuedTokenVerifier anyResource;
  private final Settings settings;

  TokenLookup(Settings settings, IssuedTokenVerifier anyResource) {
    this.settings = settings;
    this.anyResource = anyResource;
  }

  Optional<Found> find(String token) {
    if (token.indexOf('.') >= 0) {
      try {
        VerifiedToken verified = anyResource.verify(token);
        return Optional.of(new Found("access_token", verified.clientId(), verified.grantId(), verified.subject(),
            verified.scopes(), verified.audience(), verified.issuedAt(), verified.expiresAt()));
      } catch (OAuthException e) {
        if (e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE) {
          throw e; // "inactive" would be a lie while the store is down
        }
        return Optional.empty();
      }
    }
    return settings.storage().tokens().find(TokenHash.of(token))
        .filter(stored -> stored.kind() == TokenKind.REFRESH_TOKEN)
        .flatMap(stored -> settings.storage().grants().find(stored.grantId())
            .map(grant -> new Found("refresh_token", stored.clientId(), grant.id(), grant.subject(), grant.scopes(),
                grant.resource(), stored.issuedAt(), stored.expiresAt())));
  }
}
