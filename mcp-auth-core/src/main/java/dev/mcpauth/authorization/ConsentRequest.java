package dev.mcpauth.authorization;

import java.time.Instant;
import java.util.Set;

/**
 * What a login or consent page shows about a pending authorization (MCP security best practices:
 * client name, requested scopes, and where the user will be sent). Immutable.
 *
 * @param clientId the requesting client's id
 * @param clientName the name to show: the registered name, or the client id; control and invisible
 *     formatting characters (such as bidirectional overrides) already shown as {@code <U+202E>}
 * @param redirectUri where the response will go
 * @param redirectTarget where the response goes, to show prominently: the origin of an http(s)
 *     redirect URI ({@code https://claude.ai}, {@code http://127.0.0.1:33418}), or the scheme of
 *     any other ({@code cursor:}), whose host part names nothing any party has verified
 * @param loopbackRedirect whether the response goes to this machine only ({@code localhost}): pages
 *     should warn that any local program could be the client
 * @param appRedirect whether the response goes to an application on the user's device by a
 *     private-use URI scheme (RFC 8252 §7.1), which any application there may claim
 * @param scopes the requested scopes
 * @param resource the resource the tokens will be for
 * @param consentPrompted whether the client asked for consent to be shown again ({@code prompt=consent})
 * @param expiresAt when the request lapses
 * @param metadataDocumentHost for a client identified by a Client ID Metadata Document, the host (and
 *     port, if the URL names one) its document was fetched from, verified by https, which pages should
 *     show next to the document's claims; {@code null} for other clients
 * @param clientUri the client's home page as it claims it, or {@code null} (also when it holds
 *     anything but printable ASCII)
 * @param logoUri the client's logo as it claims it, or {@code null} (likewise)
 * @param loginPrompted whether the client asked for the user to sign in again ({@code prompt=login}),
 *     so that a signed-in browser's session must not stand in for the password
 */
public record ConsentRequest(
    String clientId,
    String clientName,
    String redirectUri,
    String redirectTarget,
    boolean loopbackRedirect,
    boolean appRedirect,
    Set<String> scopes,
    String resource,
    boolean consentPrompted,
    Instant expiresAt,
    String metadataDocumentHost,
    String clientUri,
    String logoUri,
    boolean loginPrompted) {
  public ConsentRequest {
    scopes = Set.copyOf(scopes);
  }
}
