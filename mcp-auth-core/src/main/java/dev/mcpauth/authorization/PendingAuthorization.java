package dev.mcpauth.authorization;

import dev.mcpauth.store.TokenHash;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A validated authorization request, held by the server while the user logs in and consents. The
 * browser and the application know it only by an opaque handle; the store only by the handle's
 * hash. Nothing here ever comes back from application code, so a consent page cannot change where
 * the code goes or which PKCE challenge it is bound to. Immutable and thread-safe.
 *
 * @param handleHash the hash of the opaque handle
 * @param clientId the requesting client
 * @param redirectUri the redirect URI the response goes to, exactly as the client sent it (or the
 *     only registered one)
 * @param redirectUriInRequest whether the client sent {@code redirect_uri}; if so, the token request
 *     must repeat it (RFC 6749 §4.1.3)
 * @param state the client's {@code state}, or {@code null}
 * @param scopes the requested scopes
 * @param resource the resource the tokens will be bound to (RFC 8707)
 * @param codeChallenge the S256 PKCE challenge
 * @param prompts the OpenID {@code prompt} values sent, e.g. {@code consent}
 * @param createdAt when the request arrived
 * @param expiresAt when it lapses
 */
public record PendingAuthorization(
    TokenHash handleHash,
    String clientId,
    String redirectUri,
    boolean redirectUriInRequest,
    String state,
    Set<String> scopes,
    String resource,
    String codeChallenge,
    Set<String> prompts,
    Instant createdAt,
    Instant expiresAt) {

  public PendingAuthorization {
    Objects.requireNonNull(handleHash, "handleHash");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(redirectUri, "redirectUri");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(codeChallenge, "codeChallenge");
    Objects.requireNonNull(expiresAt, "expiresAt");
    scopes = Set.copyOf(scopes);
    prompts = Set.copyOf(prompts);
  }
}
