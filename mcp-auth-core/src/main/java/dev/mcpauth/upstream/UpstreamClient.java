package dev.mcpauth.upstream;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The calls this server makes to the upstream provider, all through Nimbus: the code exchange with
 * PKCE, ID token validation (signature against the provider's JWKS, issuer, audience, expiry,
 * nonce), the user info request for providers without OpenID, and the refresh. Every request asks
 * for JSON. Failures are {@code temporarily_unavailable} (the provider is unreachable, answered an
 * error other than a refusal, or garbage) or {@code invalid_grant} (the provider refused for good: its
 * {@code invalid_grant}, or any 400). Thread-safe.
 */
final class UpstreamClient {
  /** What the exchange gave: who the user is, and the provider's tokens. */
  record Login(String subject, UpstreamTokens tokens) {}

  private final UpstreamProvider provider;
  private final Clock clock;

  UpstreamClient(UpstreamProvider provider, Clock clock) {
    this.provider = provider;
    this.clock = clock;
  }

  Login exchange(String code, String verifier, String nonce) {
    AuthorizationServerMetadata metadata = provider.metadata();
    Tokens tokens = token(metadata, new AuthorizationCodeGrant(new AuthorizationCode(code), provider.callbackUri(),
        new CodeVerifier(verifier)));
    UpstreamTokens upstream = upstreamTokens(tokens, null);
    return new Login(subject(metadata, tokens, nonce), upstream);
  }

  /** @throws OAuthException {@code invalid_grant} when the provider refuses the refresh token for good */
  UpstreamTokens refresh(UpstreamTokens current) {
    Tokens tokens = token(provider.metadata(), new RefreshTokenGrant(new RefreshToken(current.refreshToken())));
    return upstreamTokens(tokens, current.refreshToken());
  }

  private Tokens token(AuthorizationServerMetadata metadata, AuthorizationGrant grant) {
    URI endpoint = metadata.getTokenEndpointURI();
    TokenRequest request = provider.clientSecret() == null
        ? new TokenRequest(endpoint, new ClientID(provider.clientId()), grant)
        : new TokenRequest(endpoint, new ClientSecretBasic(new ClientID(provider.clientId()), new Secret(provider.clientSecret())),
            grant);
    HTTPResponse answer = send(acceptingJson(request.toHTTPRequest()));
    int status = answer.getStatusCode();
    if (status != 200) { // RFC 6749 §5.1: a token response is 200; anything else is an error
      String error = errorCode(answer);
      // RFC 6749 §5.2: 400 is the provider refusing this request (for a refresh, invalid_grant in
      // practice, but invalid_request, invalid_scope or unauthorized_client end it just as surely);
      // sent again it would be refused again, so any 400, even one whose body names no error (an HTML
      // page), is a refusal, not an outage. 401 (invalid_client), 5xx and the rest: this server's
      // configuration or the provider's trouble, which the user's grant does not cause and outlives.
      if ("invalid_grant".equals(error) || status == 400) {
        throw OAuthException.invalidGrant("The upstream provider refused the grant");
      }
      throw unavailable("the provider's token endpoint answered HTTP " + status
          + (error == null ? " without an error code" : " " + error));
    }
    try {
      TokenResponse response = OIDCTokenResponseParser.parse(answer);
      if (response.indicatesSuccess()) {
        return response.toSuccessResponse().getTokens();
      }
    } catch (ParseException e) {
      // below
    }
    throw unavailable("the provider's token endpoint answered something else than a token response");
  }

  /** The {@code error} of an error response's JSON body, whatever its content type; {@code null} if none. */
  private static String errorCode(HTTPResponse answer) {
    try {
      return answer.getBody() == null ? null : JSONObjectUtils.getString(JSONObjectUtils.parse(answer.getBody()), "error", null);
    } catch (ParseException e) {
      return null;
    }
  }

  /**
   * Asks for JSON: some providers (oidc-provider among them) answer errors with an HTML page unless the
   * request accepts {@code application/json}, and an HTML page names no error.
   */
  private static HTTPRequest acceptingJson(HTTPRequest request) {
    request.setAccept("application/json");
    return request;
  }

  private UpstreamTokens upstreamTokens(Tokens tokens, String previousRefreshToken) {
    AccessToken access = tokens.getAccessToken();
    Instant expiresAt = access.getLifetime() > 0 ? clock.instant().plusSeconds(access.getLifetime()) : null;
    RefreshToken refresh = tokens.getRefreshToken();
    return new UpstreamTokens(access.getValue(), refresh != null ? refresh.getValue() : previousRefreshToken, expiresAt,
        access.getScope() == null ? null : access.getScope().toString());
  }

  /** The OpenID subject from a validated ID token, or the user info's {@code sub} (or {@code id}). */
  private String subject(AuthorizationServerMetadata metadata, Tokens tokens, String nonce) {
    if (provider.openId()) {
      if (metadata.getJWKSetURI() == null) {
        throw unavailable("the provider's metadata has no jwks_uri");
      }
      if (!(tokens instanceof com.nimbusds.openid.connect.sdk.token.OIDCTokens oidc) || oidc.getIDToken() == null) {
        throw unavailable("the provider sent no ID token for an OpenID request");
      }
      try {
        IDTokenValidator validator = new IDTokenValidator(new Issuer(metadata.getIssuer().getValue()),
            new ClientID(provider.clientId()), idTokenAlgorithm(metadata), metadata.getJWKSetURI().toURL(),
            new DefaultResourceRetriever((int) provider.connectTimeout().toMillis(), (int) provider.readTimeout().toMillis()));
        validator.setMaxClockSkew(60);
        return validator.validate(JWTParser.parse(oidc.getIDToken().serialize()), new Nonce(nonce)).getSubject().getValue();
      } catch (com.nimbusds.jose.JOSEException | java.text.ParseException | IOException e) {
        throw unavailable("the provider's ID token could not be checked (" + e.getClass().getSimpleName() + ")");
      } catch (com.nimbusds.jose.proc.BadJOSEException e) {
        throw new OAuthException(ErrorCode.ACCESS_DENIED, "The upstream sign-in could not be verified",
            "ID token refused: " + e.getMessage());
      }
    }
    URI userinfo = userinfoEndpoint(metadata);
    try {
      HTTPResponse response = send(acceptingJson(
          new UserInfoRequest(userinfo, new BearerAccessToken(tokens.getAccessToken().getValue())).toHTTPRequest()));
      if (response.getStatusCode() != 200) {
        throw unavailable("the provider's user info endpoint answered HTTP " + response.getStatusCode());
      }
      Map<String, Object> info = JSONObjectUtils.parse(response.getBody());
      Object subject = info.containsKey("sub") ? info.get("sub") : info.get("id");
      if (subject == null) {
        throw unavailable("the provider's user info names no sub or id");
      }
      return String.valueOf(subject);
    } catch (ParseException e) {
      throw unavailable("the provider's user info is not JSON");
    }
  }

  private static URI userinfoEndpoint(AuthorizationServerMetadata metadata) {
    Object endpoint = metadata.getCustomParameter("userinfo_endpoint");
    if (endpoint == null) {
      throw unavailable("the provider is not OpenID and its metadata has no userinfo_endpoint");
    }
    return URI.create(endpoint.toString());
  }

  private static JWSAlgorithm idTokenAlgorithm(AuthorizationServerMetadata metadata) {
    Object algorithms = metadata.getCustomParameter("id_token_signing_alg_values_supported");
    if (algorithms instanceof List<?> list && !list.isEmpty()) {
      return list.contains("RS256") ? JWSAlgorithm.RS256 : JWSAlgorithm.parse(list.get(0).toString());
    }
    return JWSAlgorithm.RS256;
  }

  private HTTPResponse send(HTTPRequest request) {
    request.setConnectTimeout((int) provider.connectTimeout().toMillis());
    request.setReadTimeout((int) provider.readTimeout().toMillis());
    request.setFollowRedirects(false);
    try {
      return request.send();
    } catch (IOException e) {
      throw unavailable("the provider is unreachable (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static OAuthException unavailable(String detail) {
    return OAuthException.temporarilyUnavailable("The upstream identity provider cannot be used right now", detail);
  }
}
