package dev.mcpauth.resource;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.DiscoveredIssuer;
import dev.mcpauth.internal.ThrottledLog;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies access tokens, opaque or not, by asking the issuer (RFC 7662), authenticated with the
 * resource server's own client credentials ({@code client_secret_basic}).
 *
 * <p>An active answer is accepted only if its {@code iss} (when present) is the configured issuer,
 * its {@code aud} names an accepted audience, and its {@code exp} (when present) is in the future.
 * Active answers are cached by the token's SHA-256 for the cache lifetime, never past the token's
 * {@code exp}: that lifetime bounds how long a revocation at the issuer takes to be seen here. The
 * issuer unreachable, answering an error or refusing the credentials gives {@code
 * temporarily_unavailable} (and a log line for the operator), never an accepted token. Thread-safe.
 */
final class IntrospectionVerifier implements TokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(IntrospectionVerifier.class);

  private final ResourceServer.Config config;
  private final DiscoveredIssuer issuer;
  private final ClientSecretBasic credentials;
  private final TrustedTokens trusted;
  /** Every request fails the same way while the endpoint is down: a line a minute, with a count. */
  private final ThrottledLog log;

  IntrospectionVerifier(ResourceServer.Config config, DiscoveredIssuer issuer, String clientId, String clientSecret) {
    this.config = config;
    this.issuer = issuer;
    this.credentials = new ClientSecretBasic(new ClientID(clientId), new Secret(clientSecret));
    this.trusted = new TrustedTokens(config.verificationCacheSize(), config.clock());
    this.log = new ThrottledLog(LOG, ThrottledLog.DEFAULT_INTERVAL, config.clock());
  }

  @Override
  public VerifiedToken verify(String token) {
    return trusted.verify(token, this::check);
  }

  /** Trusted for the cache lifetime, never past the token's {@code exp}. */
  private TrustedTokens.Trusted check(String token, Instant now) {
    VerifiedToken verified = check(introspect(token), now);
    Instant until = now.plus(config.introspectionCacheLifetime());
    if (verified.expiresAt() != null && verified.expiresAt().isBefore(until)) {
      until = verified.expiresAt();
    }
    return new TrustedTokens.Trusted(verified, until);
  }

  private TokenIntrospectionSuccessResponse introspect(String token) {
    URI endpoint = issuer.get().getIntrospectionEndpointURI();
    if (endpoint == null) {
      throw new OAuthException(ErrorCode.TEMPORARILY_UNAVAILABLE, "The authorization server offers no introspection",
          "its metadata has no introspection_endpoint");
    }
    HTTPRequest request = new TokenIntrospectionRequest(endpoint, credentials, new BearerAccessToken(token)).toHTTPRequest();
    request.setConnectTimeout((int) config.connectTimeout().toMillis());
    request.setReadTimeout((int) config.readTimeout().toMillis());
    request.setFollowRedirects(false);
    TokenIntrospectionResponse response;
    try {
      HTTPResponse answer = request.send();
      response = TokenIntrospectionResponse.parse(answer);
    } catch (IOException e) {
      throw unavailable("unreachable (" + e.getClass().getSimpleName() + ")");
    } catch (ParseException | RuntimeException e) {
      throw unavailable("an answer that is not an introspection response");
    }
    if (!response.indicatesSuccess()) {
      var error = response.toErrorResponse().getErrorObject();
      throw unavailable("refused the introspection: HTTP " + error.getHTTPStatusCode() + " " + error.getCode()
          + (error.getHTTPStatusCode() == 401 ? " (check the resource server's client id and secret)" : ""));
    }
    return response.toSuccessResponse();
  }

  private VerifiedToken check(TokenIntrospectionSuccessResponse answer, Instant now) {
    if (!answer.isActive()) {
      throw OAuthException.invalidToken("The access token is not active");
    }
    if (answer.getIssuer() != null && !config.issuer().equals(answer.getIssuer().getValue())) {
      throw OAuthException.invalidToken("The access token was issued by another server");
    }
    List<String> audiences = answer.getAudience() == null ? null : Audience.toStringList(answer.getAudience());
    if (!Tokens.acceptsAudience(config, audiences)) {
      throw OAuthException.invalidToken("The access token is for another resource");
    }
    Instant expiresAt = instant(answer.getExpirationTime());
    if (expiresAt != null && !now.isBefore(expiresAt.plus(config.clockSkew()))) {
      throw OAuthException.invalidToken("The access token has expired");
    }
    return Tokens.verified(config, answer.toJSONObject(), config.issuer(), instant(answer.getIssueTime()), expiresAt,
        answer.getJWTID() == null ? null : answer.getJWTID().getValue());
  }

  private OAuthException unavailable(String detail) {
    log.error("The introspection endpoint of {} {}", config.issuer(), detail);
    return new OAuthException(ErrorCode.TEMPORARILY_UNAVAILABLE, "The access token cannot be checked right now", detail);
  }

  private static Instant instant(Date date) {
    return date == null ? null : date.toInstant();
  }
}
