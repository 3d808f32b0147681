package dev.mcpauth.token;

import dev.mcpauth.OAuthException;

/**
 * Decides whether a bearer token sent to one protected resource is acceptable there (RFC 6750,
 * RFC 9068, RFC 7662). {@code AuthorizationServer.verifier(resource)} gives one for the tokens this
 * library issues; {@code ResourceServer.verifier()} one for an external authorization server's.
 *
 * <p>Implementations are thread-safe: one instance serves every request of its resource.
 */
@FunctionalInterface
public interface TokenVerifier {
  /**
   * @param token the bearer token exactly as sent; never logged or put into an exception
   * @return what the token says, after every check passed
   * @throws OAuthException {@code invalid_token} (401) if the token is not acceptable for this
   *     resource, or {@code temporarily_unavailable} (503) if it cannot be checked right now (the
   *     issuer or the store is unreachable); descriptions never contain the token
   */
  VerifiedToken verify(String token);
}
