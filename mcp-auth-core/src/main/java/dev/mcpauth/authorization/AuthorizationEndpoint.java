package dev.mcpauth.authorization;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.Prompt;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.MetadataDocumentClients;
import dev.mcpauth.client.RedirectUris;
import dev.mcpauth.event.EventType;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.internal.DisplayText;
import dev.mcpauth.internal.Params;
import dev.mcpauth.internal.Resources;
import dev.mcpauth.internal.Scopes;
import dev.mcpauth.internal.Settings;
import dev.mcpauth.internal.Uris;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.token.Grant;
import dev.mcpauth.token.StoredToken;
import dev.mcpauth.token.TokenKind;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The authorization endpoint (RFC 6749 §4.1.1 as profiled by OAuth 2.1 and MCP).
 *
 * <ol>
 *   <li>{@link #start} checks the client and redirect URI first; if either is bad the user sees an
 *       error and is never redirected. Every later error redirects with {@code error}, {@code state}
 *       and {@code iss} (RFC 9207). A good request becomes a server-held {@link
 *       PendingAuthorization} known by an opaque handle.
 *   <li>The web layer logs the user in and asks for consent, showing {@link #pending}.
 *   <li>{@link #complete} takes only the handle and a {@link Decision}, and redirects with a code or
 *       {@code access_denied}. Each handle completes once.
 * </ol>
 *
 * <p>Only {@code response_type=code}, only PKCE with S256, {@code resource} must name a protected
 * resource. Thread-safe.
 */
public final class AuthorizationEndpoint {
  private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final Settings settings;

  public AuthorizationEndpoint(Settings settings) {
    this.settings = settings;
  }

  /** Handles an authorization request: the query of a GET, or the form body of a POST. */
  public AuthorizationStep start(EndpointRequest request) {
    Params params;
    try {
      params = Params.parse(request.method().equals("POST") ? request.body() : request.query());
    } catch (OAuthException e) {
      return new AuthorizationStep.ErrorPage(e);
    }
    Client client;
    String redirectUri;
    try {
      client = client(params);
      redirectUri = redirectUri(client, params);
    } catch (OAuthException e) {
      return new AuthorizationStep.ErrorPage(e);
    }
    State state = params.first("state").map(AuthorizationEndpoint::state).orElse(null);
    try {
      String handle = settings.secrets().newSecret();
      PendingAuthorization pending = validate(params, client, redirectUri, TokenHash.of(handle));
      settings.storage().pendingAuthorizations().save(pending);
      return new AuthorizationStep.Interaction(handle, view(pending, client));
    } catch (OAuthException e) {
      return errorRedirect(URI.create(redirectUri), e, state);
    }
  }

  /** What the consent page shows for a handle, while it is pending. */
  public Optional<ConsentRequest> pending(String handle) {
    if (handle == null || handle.isEmpty()) {
      return Optional.empty();
    }
    return settings.storage().pendingAuthorizations().find(TokenHash.of(handle))
        .flatMap(p -> liveClient(p.clientId()).map(client -> view(p, client)));
  }

  /**
   * Completes a pending authorization with the user's decision: redirects with a code or {@code
   * access_denied}, or shows an error when the handle is unknown, lapsed or already completed.
   *
   * @throws IllegalArgumentException if an approval grants a scope that was not requested
   */
  public AuthorizationStep complete(String handle, Decision decision) {
    return complete(handle, decision, grant -> { });
  }

  /**
   * As {@link #complete(String, Decision)}, calling {@code grantCreated} with an approval's grant
   * after it is stored and before its code is: whatever the caller attaches to the grant (upstream
   * tokens) exists before the client can use it.
   */
  public AuthorizationStep complete(String handle, Decision decision, Consumer<Grant> grantCreated) {
    OAuthException gone = OAuthException.invalidRequest("This authorization request has expired or was already completed");
    if (handle == null || handle.isEmpty()) {
      return new AuthorizationStep.ErrorPage(gone);
    }
    TokenHash handleHash = TokenHash.of(handle);
    Optional<PendingAuthorization> found = settings.storage().pendingAuthorizations().find(handleHash);
    if (found.isPresent() && decision instanceof Decision.Approve approve
        && !found.get().scopes().containsAll(approve.scopes())) {
      throw new IllegalArgumentException("an approval may grant only requested scopes");
    }
    Optional<PendingAuthorization> consumed = settings.storage().pendingAuthorizations().consume(handleHash);
    if (consumed.isEmpty()) {
      return new AuthorizationStep.ErrorPage(gone);
    }
    PendingAuthorization pending = consumed.get();
    URI redirect = URI.create(pending.redirectUri());
    State state = state(pending.state());
    if (decision instanceof Decision.Deny) {
      settings.events().publish(EventType.AUTHORIZATION_DENIED, pending.clientId(), null, null);
      return errorRedirect(redirect, new OAuthException(ErrorCode.ACCESS_DENIED, "The user denied the request"), state);
    }
    Decision.Approve approve = (Decision.Approve) decision;
    Optional<Client> client = liveClient(pending.clientId());
    if (client.isEmpty()) {
      return new AuthorizationStep.ErrorPage(OAuthException.invalidClient("The client is no longer registered"));
    }
    String code = issueCode(pending, approve, client.get(), grantCreated);
    AuthorizationSuccessResponse success = new AuthorizationSuccessResponse(
        redirect, new AuthorizationCode(code), null, state, new Issuer(settings.issuer()), ResponseMode.QUERY);
    return new AuthorizationStep.Redirect(success.toURI());
  }

  private String issueCode(PendingAuthorization pending, Decision.Approve approve, Client client,
      Consumer<Grant> grantCreated) {
    // Used from here on, so its registration no longer lapses; before the grant exists, so that no
    // store reaping lapsed registrations ever finds a client with a grant still lapsing.
    settings.clients().directory().markUsed(client);
    Instant now = settings.clock().instant();
    Grant grant = new Grant(
        settings.secrets().newId(),
        pending.clientId(),
        approve.subject(),
        approve.scopes(),
        pending.resource(),
        pending.redirectUriInRequest() ? pending.redirectUri() : null,
        pending.codeChallenge(),
        now,
        now.plus(settings.lifetimes().grant()));
    settings.storage().grants().save(grant);
    grantCreated.accept(grant);
    String code = settings.secrets().newSecret();
    settings.storage().tokens().save(new StoredToken(
        TokenHash.of(code), TokenKind.AUTHORIZATION_CODE, grant.id(), grant.clientId(), now,
        now.plus(settings.lifetimes().authorizationCode())));
    settings.events().publish(EventType.AUTHORIZATION_APPROVED, grant.clientId(), grant.id(), grant.subject());
    return code;
  }

  private Client client(Params params) {
    List<String> ids = params.all("client_id");
    if (ids.size() != 1) {
      throw OAuthException.invalidRequest(ids.isEmpty() ? "client_id is required" : "client_id is included more than once");
    }
    Client client = settings.clients().directory().find(ids.get(0))
        .orElseThrow(() -> OAuthException.invalidClient("Unknown or expired client"));
    if (!client.mayUse(Client.AUTHORIZATION_CODE)) {
      throw new OAuthException(ErrorCode.UNAUTHORIZED_CLIENT, "This client may not use the authorization code grant");
    }
    return client;
  }

  /** The client, or empty when it is unknown, lapsed, or its metadata document no longer resolves. */
  private Optional<Client> liveClient(String clientId) {
    try {
      return settings.clients().directory().find(clientId);
    } catch (OAuthException e) {
      return Optional.empty();
    }
  }

  private static String redirectUri(Client client, Params params) {
    List<String> uris = params.all("redirect_uri");
    if (uris.size() > 1) {
      throw OAuthException.invalidRequest("redirect_uri is included more than once");
    }
    if (uris.isEmpty()) {
      if (client.redirectUris().size() != 1) {
        throw OAuthException.invalidRequest("redirect_uri is required: the client registered several");
      }
      return client.redirectUris().get(0);
    }
    String requested = uris.get(0);
    if (RedirectUris.match(client, requested).isEmpty()) {
      throw OAuthException.invalidRequest("redirect_uri does not match a URI registered for this client");
    }
    return requested;
  }

  private PendingAuthorization validate(Params params, Client client, String redirectUri, TokenHash handleHash) {
    params.requireNoDuplicates(Set.of("resource"));
    if (params.has("request")) {
      throw new OAuthException(ErrorCode.REQUEST_NOT_SUPPORTED, "Request objects are not supported");
    }
    if (params.has("request_uri")) {
      throw new OAuthException(ErrorCode.REQUEST_URI_NOT_SUPPORTED, "request_uri is not supported");
    }
    String responseType = params.first("response_type")
        .orElseThrow(() -> OAuthException.invalidRequest("response_type is required"));
    if (!ResponseType.Value.CODE.getValue().equals(responseType)) {
      throw new OAuthException(ErrorCode.UNSUPPORTED_RESPONSE_TYPE, "Only response_type=code is supported");
    }
    String challenge = params.first("code_challenge")
        .orElseThrow(() -> OAuthException.invalidRequest("code_challenge is required (PKCE with S256)"));
    if (!params.first("code_challenge_method").map("S256"::equals).orElse(false)) {
      throw OAuthException.invalidRequest("code_challenge_method must be S256");
    }
    if (!S256_CHALLENGE.matcher(challenge).matches()) {
      throw OAuthException.invalidRequest("code_challenge must be a base64url SHA-256 hash (43 characters)");
    }
    Resources.checkWellFormed(params.all("resource"));
    AuthorizationRequest parsed;
    try {
      parsed = AuthorizationRequest.parse(params.asMap());
    } catch (ParseException e) {
      ErrorObject error = e.getErrorObject();
      throw OAuthException.invalidRequest(error != null && error.getDescription() != null
          ? error.getDescription() : "Malformed authorization request");
    } catch (RuntimeException e) {
      throw new OAuthException(ErrorCode.INVALID_REQUEST, "Malformed authorization request", e.getClass().getName());
    }
    if (parsed.getResponseMode() != null && !ResponseMode.QUERY.equals(parsed.getResponseMode())) {
      throw OAuthException.invalidRequest("Only response_mode=query is supported");
    }
    if (!CodeChallengeMethod.S256.equals(parsed.getCodeChallengeMethod())) {
      throw OAuthException.invalidRequest("code_challenge_method must be S256");
    }
    String resource = Resources.resolve(parsed.getResources(), settings);
    Set<String> scopes =
        Scopes.requested(parsed.getScope() == null ? null : parsed.getScope().toString(), settings, client.scope());
    Set<String> prompts = parsed.getPrompt() == null ? Set.of()
        : parsed.getPrompt().stream().map(Prompt.Type::toString).collect(Collectors.toSet());
    if (prompts.contains("none")) {
      // Every authorization here needs the user's consent on a page; none can complete silently.
      throw new OAuthException(ErrorCode.LOGIN_REQUIRED, "User interaction is required");
    }
    Instant now = settings.clock().instant();
    return new PendingAuthorization(
        handleHash,
        client.clientId(),
        redirectUri,
        params.has("redirect_uri"),
        parsed.getState() == null ? null : parsed.getState().getValue(),
        scopes,
        resource,
        parsed.getCodeChallenge().getValue(),
        prompts,
        now,
        now.plus(settings.lifetimes().pendingAuthorization()));
  }

  private static ConsentRequest view(PendingAuthorization pending, Client client) {
    URI redirect = URI.create(pending.redirectUri());
    String scheme = redirect.getScheme().toLowerCase(Locale.ROOT);
    boolean web = scheme.equals("https") || scheme.equals("http");
    return new ConsentRequest(
        client.clientId(),
        DisplayText.visible(client.displayName()),
        pending.redirectUri(),
        web ? Uris.origin(redirect) : scheme + ":",
        RedirectUris.isLoopback(pending.redirectUri()),
        !web,
        pending.scopes(),
        pending.resource(),
        pending.prompts().contains("consent"),
        pending.expiresAt(),
        MetadataDocumentClients.isClientIdUrl(client.clientId()) ? URI.create(client.clientId()).getRawAuthority() : null,
        showableUri(client.clientUri()),
        showableUri(client.logoUri()),
        pending.prompts().contains("login"));
  }

  /**
   * A client's claimed link, if a page may show it: printable ASCII only, so that no invisible or
   * bidirectional character can make it read as another address.
   */
  private static String showableUri(String uri) {
    return uri != null && Uris.isPrintableAscii(uri) ? uri : null;
  }

  /**
   * A state Nimbus can carry, or none: its {@code State} refuses a value with nothing left after
   * {@code trim()} (spaces, control characters), and Nimbus parses such a value as no state.
   */
  private static State state(String value) {
    return value == null || value.trim().isEmpty() ? null : new State(value);
  }

  private AuthorizationStep errorRedirect(URI redirect, OAuthException e, State state) {
    ErrorObject error = new ErrorObject(e.code().code(), e.description());
    AuthorizationErrorResponse response =
        new AuthorizationErrorResponse(redirect, error, state, new Issuer(settings.issuer()), ResponseMode.QUERY);
    return new AuthorizationStep.Redirect(response.toURI());
  }
}
