package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.authorization.AuthorizationEndpoint;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.authorization.ConsentRequest;
import dev.mcpauth.authorization.Decision;
import dev.mcpauth.internal.Params;
import dev.mcpauth.store.UpstreamTokenStore;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Federates the login of a pending authorization to the upstream provider, after the user has
 * consented to the client here (the confused-deputy protection: consent per client before anyone is
 * sent upstream).
 *
 * <ol>
 *   <li>{@link #begin} makes the upstream authorization request: code flow with PKCE (S256), a random
 *       {@code state} and, for OpenID, a {@code nonce}. All three and the local handle go into a
 *       <em>binding</em>, sealed (AES-GCM) for the browser's cookie, never stored server-side, so
 *       any replica can take the callback.
 *   <li>{@link #finish} takes the callback: no parameter may be repeated (RFC 6749 §3.1), the
 *       binding must open and be fresh, {@code state} must match it (constant time), {@code iss}
 *       (RFC 9207) must be the provider's when sent, and be sent when the provider's metadata says
 *       it always is; then the code is exchanged, the ID token validated, and the local
 *       authorization completed for the upstream subject, with the provider's tokens sealed and
 *       stored for the new grant before its code exists.
 * </ol>
 *
 * The provider's tokens never go to the MCP client and the client's never go upstream. Thread-safe.
 */
public final class UpstreamLogin {
  /** How long a user may take at the provider. */
  static final Duration BINDING_LIFETIME = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PURPOSE = "upstream login binding";

  /** Where to send the browser, and the value of the cookie that binds the callback to it. */
  public record Begun(URI authorizationUrl, String binding) {
    @Override
    public String toString() {
      return "Begun[to " + authorizationUrl.getHost() + "]";
    }
  }

  private final UpstreamProvider provider;
  private final UpstreamTokenSealer sealer;
  private final AuthorizationEndpoint endpoint;
  private final UpstreamTokenStore tokens;
  private final UpstreamClient client;
  private final Clock clock;

  public UpstreamLogin(UpstreamProvider provider, UpstreamTokenSealer sealer, AuthorizationEndpoint endpoint,
      UpstreamTokenStore tokens, Clock clock) {
    this.provider = provider;
    this.sealer = sealer;
    this.endpoint = endpoint;
    this.tokens = tokens;
    this.clock = clock;
    this.client = new UpstreamClient(provider, clock);
  }

  public UpstreamProvider provider() {
    return provider;
  }

  /**
   * @param handle a pending authorization the user has consented to here
   * @throws OAuthException {@code temporarily_unavailable} if the provider's metadata cannot be had
   */
  public Begun begin(String handle) {
    State state = new State();
    CodeVerifier verifier = new CodeVerifier();
    Nonce nonce = new Nonce();
    Scope scope = new Scope(provider.scopes().toArray(String[]::new));
    ClientID clientId = new ClientID(provider.clientId());
    URI endpointUri = provider.metadata().getAuthorizationEndpointURI();
    URI location = provider.openId()
        ? new AuthenticationRequest.Builder(ResponseType.CODE, scope, clientId, provider.callbackUri())
            .endpointURI(endpointUri).state(state).nonce(nonce).codeChallenge(verifier, CodeChallengeMethod.S256)
            .build().toURI()
        : new AuthorizationRequest.Builder(ResponseType.CODE, clientId).scope(scope).redirectionURI(provider.callbackUri())
            .endpointURI(endpointUri).state(state).codeChallenge(verifier, CodeChallengeMethod.S256)
            .build().toURI();
    ObjectNode binding = JSON.createObjectNode()
        .put("handle", handle).put("state", state.getValue()).put("verifier", verifier.getValue())
        .put("nonce", nonce.getValue()).put("expires", clock.instant().plus(BINDING_LIFETIME).toString());
    return new Begun(location, sealer.sealText(binding.toString(), PURPOSE));
  }

  /**
   * Completes the pending authorization from the provider's callback.
   *
   * @param query the callback's raw query string, exactly as received (parsed here, so that a
   *     repeated parameter is refused rather than one of its values picked)
   * @param binding the cookie {@link #begin} set, or {@code null} if the browser sent none
   * @return the redirect to the MCP client (with a code, or {@code access_denied} when the user
   *     refused upstream), or an error page when the callback cannot be trusted or the provider failed
   */
  public AuthorizationStep finish(String query, String binding) {
    Params params;
    try {
      params = Params.parse(query).requireNoDuplicates(Set.of());
    } catch (OAuthException e) {
      return new AuthorizationStep.ErrorPage(e);
    }
    JsonNode bound;
    try {
      bound = JSON.readTree(sealer.openText(binding, PURPOSE));
    } catch (IllegalArgumentException | IOException | NullPointerException e) {
      return error(ErrorCode.INVALID_REQUEST, "This sign-in did not start in this browser, or has expired.");
    }
    if (!clock.instant().isBefore(Instant.parse(bound.get("expires").asText()))) {
      return error(ErrorCode.INVALID_REQUEST, "This sign-in took too long. Start again from the application.");
    }
    if (!constantTimeEquals(params.first("state").orElse(null), bound.get("state").asText())) {
      return error(ErrorCode.INVALID_REQUEST, "This sign-in does not belong to this browser.");
    }
    String handle = bound.get("handle").asText();
    Optional<ConsentRequest> pending = endpoint.pending(handle);
    if (pending.isEmpty()) {
      return error(ErrorCode.INVALID_REQUEST, "This authorization request has expired or was already completed.");
    }
    AuthorizationServerMetadata metadata = provider.metadata();
    Optional<String> iss = params.first("iss");
    // RFC 9207 §2.4: a provider that says it sends iss must have sent it; whenever sent, it must match.
    if (iss.isEmpty() && metadata.supportsAuthorizationResponseIssuerParam()) {
      return error(ErrorCode.INVALID_REQUEST, "The sign-in answer did not say which identity provider sent it.");
    }
    if (iss.isPresent() && !iss.get().equals(metadata.getIssuer().getValue())) {
      return error(ErrorCode.INVALID_REQUEST, "The sign-in answer came from another identity provider.");
    }
    if (params.has("error")) {
      // The user (or the provider) refused: the client learns access_denied, nothing more.
      return endpoint.complete(handle, Decision.deny());
    }
    String code = params.first("code").orElse(null);
    if (code == null) {
      return error(ErrorCode.INVALID_REQUEST, "The identity provider sent no code.");
    }
    UpstreamClient.Login login;
    try {
      login = client.exchange(code, bound.get("verifier").asText(), bound.get("nonce").asText());
    } catch (OAuthException e) {
      return new AuthorizationStep.ErrorPage(e.code() == ErrorCode.INVALID_GRANT
          ? new OAuthException(ErrorCode.ACCESS_DENIED, "The identity provider did not accept the sign-in", e.internalDetail())
          : e);
    }
    return endpoint.complete(handle, Decision.approve(login.subject(), pending.get().scopes()),
        grant -> tokens.save(grant.id(), sealer.seal(login.tokens(), grant.id()), grant.expiresAt()));
  }

  private static AuthorizationStep error(ErrorCode code, String description) {
    return new AuthorizationStep.ErrorPage(new OAuthException(code, description));
  }

  private static boolean constantTimeEquals(String sent, String expected) {
    return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }
}
