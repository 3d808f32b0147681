package dev.mcpauth.token;

import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import dev.mcpauth.OAuthException;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.ClientAuthenticator;
import dev.mcpauth.event.EventType;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.internal.FormRequests;
import dev.mcpauth.internal.Settings;
import java.util.Map;
import java.util.Set;

/**
 * The revocation endpoint (RFC 7009). Revoking an access token or a refresh token revokes its whole
 * grant (§2.1 allows this and recommends it for refresh tokens). A client may revoke only its own
 * tokens; a token that is unknown, expired or another client's gets the same 200 as a revoked one,
 * so the answer reveals nothing (§2.2). Thread-safe.
 */
public final class RevocationEndpoint {
  private final Settings settings;
  private final ClientAuthenticator authenticator;
  private final TokenLookup lookup;
  private final GrantRevocation revocation;

  RevocationEndpoint(Settings settings, ClientAuthenticator authenticator, TokenLookup lookup, GrantRevocation revocation) {
    this.settings = settings;
    this.authenticator = authenticator;
    this.lookup = lookup;
    this.revocation = revocation;
  }

  public EndpointResponse handle(EndpointRequest request) {
    return FormRequests.handle(request, settings.endpoints().revocation(), Set.of(), settings.issuer(), this::revoke);
  }

  private EndpointResponse revoke(FormRequests.Form form) {
    TokenRevocationRequest revocationRequest = FormRequests.parseWith(TokenRevocationRequest::parse, form);
    Client client = authenticator.authenticate(revocationRequest.getClientAuthentication(), revocationRequest.getClientID());
    lookup.find(revocationRequest.getToken().getValue())
        .filter(token -> token.clientId().equals(client.clientId()))
        .ifPresent(token -> revocation.revoke(token.grantId(), token.clientId(), EventType.GRANT_REVOKED));
    return new EndpointResponse(200, Map.of("Cache-Control", "no-store"), null);
  }

}
