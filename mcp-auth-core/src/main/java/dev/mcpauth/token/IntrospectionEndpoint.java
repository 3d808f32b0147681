package dev.mcpauth.token;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import dev.mcpauth.OAuthException;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.ClientAuthenticator;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.internal.FormRequests;
import dev.mcpauth.internal.Settings;
import java.util.Date;
import java.util.Optional;
import java.util.Set;

/**
 * The introspection endpoint (RFC 7662). Callers must authenticate as a confidential client. A
 * client sees its own tokens as active; clients named in the configuration's introspection clients
 * (resource servers) see every token. Anything else is {@code {"active":false}}, as is every
 * unknown, expired or revoked token (§2.2). Thread-safe.
 */
public final class IntrospectionEndpoint {
  private final Settings settings;
  private final ClientAuthenticator authenticator;
  private final TokenLookup lookup;

  IntrospectionEndpoint(Settings settings, ClientAuthenticator authenticator, TokenLookup lookup) {
    this.settings = settings;
    this.authenticator = authenticator;
    this.lookup = lookup;
  }

  public EndpointResponse handle(EndpointRequest request) {
    return FormRequests.handle(request, settings.endpoints().introspection(), Set.of(), settings.issuer(), this::introspect);
  }

  private EndpointResponse introspect(FormRequests.Form form) {
    TokenIntrospectionRequest introspection = FormRequests.parseWith(TokenIntrospectionRequest::parse, form);
    if (introspection.getClientAuthentication() == null) {
      throw OAuthException.invalidClient("Introspection requires client authentication");
    }
    Client caller = authenticator.authenticate(introspection.getClientAuthentication(), null);
    boolean seesAll = settings.introspectionClients().contains(caller.clientId());
    Optional<TokenLookup.Found> found = lookup.find(introspection.getToken().getValue())
        .filter(token -> seesAll || token.clientId().equals(caller.clientId()));
    return EndpointResponse.noStoreJson(200, found.map(this::active).orElse(inactive()).toJSONObject().toJSONString());
  }


  private TokenIntrospectionSuccessResponse active(TokenLookup.Found token) {
    return new TokenIntrospectionSuccessResponse.Builder(true)
        .scope(token.scopes().isEmpty() ? null : new Scope(token.scopes().toArray(String[]::new)))
        .clientID(new ClientID(token.clientId()))
        .subject(new Subject(token.subject()))
        .audience(new Audience(token.audience()).toSingleAudienceList())
        .issuer(new Issuer(settings.issuer()))
        .issueTime(Date.from(token.issuedAt()))
        .expirationTime(Date.from(token.expiresAt()))
        .tokenType("access_token".equals(token.kind()) ? AccessTokenType.BEARER : null)
        .build();
  }

  private static TokenIntrospectionSuccessResponse inactive() {
    return new TokenIntrospectionSuccessResponse.Builder(false).build();
  }
}
