package dev.mcpauth.token;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One approved authorization: a user let a client act on a resource with some scopes. Its code,
 * access tokens and refresh tokens all belong to it, and revoking it kills them all. Immutable and
 * thread-safe.
 *
 * @param id the grant's identifier (not a secret: access tokens carry it)
 * @param clientId the client the grant was given to
 * @param subject the user who approved it
 * @param scopes the scopes approved; refreshes may narrow but never widen them
 * @param resource the resource the tokens are for (their audience)
 * @param redirectUri the {@code redirect_uri} of the authorization request, or {@code null} when the
 *     client sent none
 * @param codeChallenge the S256 PKCE challenge the code must be redeemed against
 * @param createdAt when the user approved
 * @param expiresAt when the grant ends, whatever refreshes happen before
 */
public record Grant(
    String id,
    String clientId,
    String subject,
    Set<String> scopes,
    String resource,
    String redirectUri,
    String codeChallenge,
    Instant createdAt,
    Instant expiresAt) {

  public Grant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(codeChallenge, "codeChallenge");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    scopes = Set.copyOf(scopes);
  }
}
