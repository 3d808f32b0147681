package dev.mcpauth.authorization;

import java.time.Instant;
import java.util.Set;

/**
 * What a login or consent page shows about a pending authorization (MCP security best practices:
 * client name, requested scopes, and where the user will be sent). Immutable.
 *
 * @param clientId the requesting client's id
 * @param clientName the name to show: the registered name, or the client id
 * @param redirectUri where the response will go
 * @param redirectHost the host of {@code redirectUri}, to show prominently
 * @param loopbackRedirect whether the response goes to this machine only ({@code localhost}): pages
 *     should warn that any local program could be the client
 * @param scopes the requested scopes
 * @param resource the resource the tokens will be for
 * @param consentPrompted whether the client asked for consent to be shown again ({@code prompt=consent})
 * @param expiresAt when the request lapses
 */
public record ConsentRequest(
    String clientId,
    String clientName,
    String redirectUri,
    String redirectHost,
    boolean loopbackRedirect,
    Set<String> scopes,
    String resource,
    boolean consentPrompted,
    Instant expiresAt) {
  public ConsentRequest {
    scopes = Set.copyOf(scopes);
  }
}
