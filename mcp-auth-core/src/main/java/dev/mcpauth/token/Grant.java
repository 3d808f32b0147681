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
 * @param codeChallenge the S256 PKCE challenge the code must be redeemed against; {@code null} for
 *     a {@code client_credentials} grant
 * @param createdAt when the user approved
 * @param expiresAt when the grant ends, whatever refreshes happen before
 * @param grantType {@code authorization_code}, or {@code client_credentials} for a grant a client
 *     obtained for itself (its subject is then the client)
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
    Instant expiresAt,
    String grantType) {

  public static final String AUTHORIZATION_CODE = "authorization_code";
  public static final String CLIENT_CREDENTIALS = "client_credentials";

  /** A grant a user approved ({@code authorization_code}). */
  public Grant(String id, String clientId, String subject, Set<String> scopes, String resource, String redirectUri,
      String codeChallenge, Instant createdAt, Instant expiresAt) {
    this(id, clientId, subject, scopes, resource, redirectUri, codeChallenge, createdAt, expiresAt, AUTHORIZATION_CODE);
  }

  public Grant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(grantType, "grantType");
    if (!grantType.equals(AUTHORIZATION_CODE) && !grantType.equals(CLIENT_CREDENTIALS)) {
      throw new IllegalArgumentException("unknown grant type");
    }
    if (grantType.equals(AUTHORIZATION_CODE)) {
      Objects.requireNonNull(codeChallenge, "codeChallenge");
    }
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    scopes = Set.copyOf(scopes);
  }

  /** Whether a client obtained this grant for itself, with no user: its subject is the client. */
  public boolean isClientGrant() {
    return grantType.equals(CLIENT_CREDENTIALS);
  }
}
