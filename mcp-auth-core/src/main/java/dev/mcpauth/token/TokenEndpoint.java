package dev.mcpauth.token;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.ClientAuthenticator;
import dev.mcpauth.client.RedirectUris;
import dev.mcpauth.event.EventType;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.internal.FormRequests;
import dev.mcpauth.internal.Resources;
import dev.mcpauth.internal.Scopes;
import dev.mcpauth.internal.Settings;
import dev.mcpauth.store.Redemption;
import dev.mcpauth.store.TokenHash;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The token endpoint (RFC 6749 §3.2, §4.1.3, §6 as profiled by OAuth 2.1).
 *
 * <ul>
 *   <li>{@code authorization_code}: the code is consumed atomically, so of two concurrent
 *       exchanges one fails; the PKCE verifier is checked in constant time; the redirect URI and
 *       client must match; a code presented twice revokes everything issued from its grant.
 *   <li>{@code refresh_token}: rotated on every use; a rotated-out token presented again revokes
 *       the grant; scope may narrow, never widen; the resource stays the grant's.
 *   <li>{@code client_credentials} (RFC 6749 §4.4; MCP's OAuth client credentials extension): for a
 *       confidential client the operator allowed it; the token acts for the client itself, within
 *       the client's scope, for a resource as user tokens are; no refresh token (§4.4.3).
 * </ul>
 *
 * <p>Public clients get refresh tokens too (they rotate). Every response carries {@code
 * Cache-Control: no-store}. Thread-safe.
 */
public final class TokenEndpoint {
  private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token", "client_credentials");

  private final Settings settings;
  private final ClientAuthenticator authenticator;
  private final AccessTokenSigner signer;
  private final GrantRevocation revocation;

  TokenEndpoint(Settings settings, ClientAuthenticator authenticator, AccessTokenSigner signer, GrantRevocation revocation) {
    this.settings = settings;
    this.authenticator = authenticator;
    this.signer = signer;
    this.revocation = revocation;
  }

  public EndpointResponse handle(EndpointRequest request) {
    return FormRequests.handle(request, settings.endpoints().token(), Set.of("resource"), settings.issuer(), this::token);
  }

  private EndpointResponse token(FormRequests.Form form) {
    String grantType = form.params().first("grant_type")
        .orElseThrow(() -> OAuthException.invalidRequest("grant_type is required"));
    if (!GRANT_TYPES.contains(grantType)) {
      throw new OAuthException(ErrorCode.UNSUPPORTED_GRANT_TYPE,
          "Only authorization_code, refresh_token and client_credentials are supported");
    }
    TokenRequest tokenRequest = FormRequests.parseWith(TokenRequest::parse, form);
    Client client = authenticator.authenticate(tokenRequest.getClientAuthentication(), tokenRequest.getClientID());
    AuthorizationGrant grant = tokenRequest.getAuthorizationGrant();
    if (!client.mayUse(grantType)) {
      throw new OAuthException(ErrorCode.UNAUTHORIZED_CLIENT, "This client may not use the " + grantType + " grant");
    }
    if (grant instanceof AuthorizationCodeGrant code) {
      return redeemCode(client, code, tokenRequest.getResources());
    }
    if (grant instanceof ClientCredentialsGrant) {
      return clientCredentials(client, tokenRequest.getScope(), tokenRequest.getResources());
    }
    RefreshTokenGrant refresh = (RefreshTokenGrant) grant; // the only other grant type let through
    return refresh(client, refresh, tokenRequest.getScope(), tokenRequest.getResources());
  }


  private EndpointResponse redeemCode(Client client, AuthorizationCodeGrant codeGrant, List<URI> resources) {
    String code = codeGrant.getAuthorizationCode().getValue();
    Redemption redemption = settings.storage().tokens().consume(TokenHash.of(code))
        .orElseThrow(() -> OAuthException.invalidGrant("The authorization code is invalid or has expired"));
    StoredToken stored = redemption.token();
    checkRedemption(redemption, client, TokenKind.AUTHORIZATION_CODE, EventType.CODE_REPLAYED);
    Grant grant = liveGrant(stored.grantId());
    checkRedirectUri(grant, client, codeGrant.getRedirectionURI());
    checkPkce(grant, codeGrant.getCodeVerifier());
    checkResource(grant, resources);
    EndpointResponse response = issue(grant, grant.scopes(), client);
    settings.events().publish(EventType.TOKENS_ISSUED, client.clientId(), grant.id(), grant.subject());
    return response;
  }

  private EndpointResponse refresh(Client client, RefreshTokenGrant refreshGrant, Scope scope, List<URI> resources) {
    TokenHash hash = TokenHash.of(refreshGrant.getRefreshToken().getValue());
    // Check what the client asks for before consuming, so a bad scope does not cost it the token.
    Optional<StoredToken> active = settings.storage().tokens().find(hash);
    Set<String> scopes = null;
    if (active.isPresent() && active.get().clientId().equals(client.clientId())) {
      Optional<Grant> grant = settings.storage().grants().find(active.get().grantId());
      if (grant.isPresent()) {
        scopes = narrowedScopes(grant.get(), scope);
        checkResource(grant.get(), resources);
      }
    }
    Redemption redemption = settings.storage().tokens().consume(hash)
        .orElseThrow(() -> OAuthException.invalidGrant("The refresh token is invalid or has expired"));
    checkRedemption(redemption, client, TokenKind.REFRESH_TOKEN, EventType.REFRESH_TOKEN_REPLAYED);
    Grant grant = liveGrant(redemption.token().grantId());
    if (scopes == null) {
      scopes = narrowedScopes(grant, scope);
      checkResource(grant, resources);
    }
    EndpointResponse response = issue(grant, scopes, client);
    settings.events().publish(EventType.TOKENS_REFRESHED, client.clientId(), grant.id(), grant.subject());
    return response;
  }

  /**
   * A token for the client itself: a grant of its own, as long as the access token, so that the
   * token can be revoked and verified like any other.
   */
  private EndpointResponse clientCredentials(Client client, Scope scope, List<URI> resources) {
    Set<String> requested = new LinkedHashSet<>(Scopes.parse(scope == null ? null : scope.toString()));
    requested.remove(Settings.OFFLINE_ACCESS); // no refresh token for this grant (RFC 6749 §4.4.3)
    Set<String> scopes = new LinkedHashSet<>(
        Scopes.requested(requested.isEmpty() ? null : Scopes.join(requested), settings, client.scope()));
    scopes.remove(Settings.OFFLINE_ACCESS);
    String resource = Resources.resolve(resources, settings);
    Instant now = settings.clock().instant();
    Grant grant = new Grant(settings.secrets().newId(), client.clientId(), client.clientId(), scopes, resource, null, null,
        now, signer.expiry(now), Grant.CLIENT_CREDENTIALS);
    settings.storage().grants().save(grant);
    EndpointResponse response = tokenResponse(signer.sign(grant, scopes, now), scopes, null);
    settings.events().publish(EventType.TOKENS_ISSUED, client.clientId(), grant.id(), grant.subject());
    return response;
  }

  /** A replay or a credential of another client or kind revokes the grant: it has leaked. */
  private void checkRedemption(Redemption redemption, Client client, TokenKind kind, EventType replayEvent) {
    StoredToken stored = redemption.token();
    if (!redemption.firstUse()) {
      revocation.revoke(stored.grantId(), stored.clientId(), replayEvent);
      throw new OAuthException(ErrorCode.INVALID_GRANT, "The " + describe(kind) + " has already been used",
          "replay of grant " + stored.grantId());
    }
    if (stored.kind() != kind || !stored.clientId().equals(client.clientId())) {
      revocation.revoke(stored.grantId(), stored.clientId(), EventType.TOKEN_PRESENTED_BY_WRONG_CLIENT);
      throw new OAuthException(ErrorCode.INVALID_GRANT, "The " + describe(kind) + " is invalid",
          "presented by client " + client.clientId() + " as " + kind);
    }
    if (!settings.clock().instant().isBefore(stored.expiresAt())) {
      throw OAuthException.invalidGrant("The " + describe(kind) + " has expired");
    }
  }

  private Grant liveGrant(String grantId) {
    return settings.storage().grants().find(grantId)
        .orElseThrow(() -> OAuthException.invalidGrant("The grant has been revoked or has expired"));
  }

  private static void checkRedirectUri(Grant grant, Client client, URI sent) {
    if (grant.redirectUri() != null) {
      if (sent == null || !grant.redirectUri().equals(sent.toString())) {
        throw OAuthException.invalidGrant("redirect_uri does not match the authorization request");
      }
    } else if (sent != null && RedirectUris.match(client, sent.toString()).isEmpty()) {
      throw OAuthException.invalidGrant("redirect_uri is not registered for this client");
    }
  }

  private static void checkPkce(Grant grant, CodeVerifier verifier) {
    if (verifier == null) {
      throw OAuthException.invalidGrant("code_verifier is required");
    }
    String computed = CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue();
    if (!MessageDigest.isEqual(
        computed.getBytes(StandardCharsets.US_ASCII), grant.codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
      throw OAuthException.invalidGrant("PKCE verification failed");
    }
  }

  private void checkResource(Grant grant, List<URI> resources) {
    if (resources != null && !resources.isEmpty() && !Resources.resolve(resources, settings).equals(grant.resource())) {
      throw OAuthException.invalidTarget("The resource differs from the one the grant is for");
    }
  }

  private static Set<String> narrowedScopes(Grant grant, Scope requested) {
    if (requested == null) {
      return grant.scopes();
    }
    Set<String> scopes = Scopes.parse(requested.toString());
    if (!grant.scopes().containsAll(scopes)) {
      throw OAuthException.invalidScope("A refresh may not ask for scopes beyond those granted");
    }
    return scopes;
  }

  /** An access token, and a refresh token unless the client may not use one (its {@code grant_types}). */
  private EndpointResponse issue(Grant grant, Set<String> scopes, Client client) {
    Instant now = settings.clock().instant();
    String accessToken = signer.sign(grant, scopes, now);
    if (!client.mayUse(Client.REFRESH_TOKEN)) {
      return tokenResponse(accessToken, scopes, null);
    }
    String refreshToken = settings.secrets().newSecret();
    Instant refreshExpiry = now.plus(settings.lifetimes().refreshToken());
    if (refreshExpiry.isAfter(grant.expiresAt())) {
      refreshExpiry = grant.expiresAt();
    }
    settings.storage().tokens().save(new StoredToken(
        TokenHash.of(refreshToken), TokenKind.REFRESH_TOKEN, grant.id(), grant.clientId(), now, refreshExpiry));
    return tokenResponse(accessToken, scopes, new RefreshToken(refreshToken));
  }

  /** The RFC 6749 §5.1 answer; {@code refreshToken} may be {@code null}. */
  private EndpointResponse tokenResponse(String accessToken, Set<String> scopes, RefreshToken refreshToken) {
    Tokens tokens = new Tokens(
        new BearerAccessToken(accessToken, settings.lifetimes().accessToken().toSeconds(),
            scopes.isEmpty() ? null : new Scope(scopes.toArray(String[]::new))),
        refreshToken);
    return EndpointResponse.noStoreJson(200, new AccessTokenResponse(tokens).toJSONObject().toJSONString());
  }

  private static String describe(TokenKind kind) {
    return kind == TokenKind.AUTHORIZATION_CODE ? "authorization code" : "refresh token";
  }
}
