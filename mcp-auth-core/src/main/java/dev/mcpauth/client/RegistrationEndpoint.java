package dev.mcpauth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JacksonException;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.RegistrationError;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.SoftwareID;
import com.nimbusds.oauth2.sdk.id.SoftwareVersion;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.event.EventType;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.internal.Responses;
import dev.mcpauth.internal.Scopes;
import dev.mcpauth.internal.Settings;
import dev.mcpauth.store.TokenHash;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.minidev.json.JSONObject;

/**
 * The dynamic client registration endpoint (RFC 7591 §3). Public clients ({@code none}) and
 * confidential ones ({@code client_secret_basic}, {@code client_secret_post}, {@code private_key_jwt}
 * with {@code jwks} or {@code jwks_uri}) may register with
 * redirect URIs that pass {@link RedirectUris}; the application's {@link RegistrationPolicy} has the
 * last word. The response echoes the registered metadata. A registration that is never used in an
 * authorization lapses after the configured time. Thread-safe.
 */
public final class RegistrationEndpoint {
  static final int MAX_REDIRECT_URIS = 20;
  static final int MAX_TEXT_LENGTH = 2000;
  private static final Set<GrantType> GRANT_TYPES = Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN);

  private final Settings settings;

  public RegistrationEndpoint(Settings settings) {
    this.settings = settings;
  }

  public EndpointResponse handle(EndpointRequest request) {
    EndpointResponse refusal = Responses.refuseUnlessPost(request, "application/json");
    if (refusal != null) {
      return refusal;
    }
    try {
      if (!settings.dynamicRegistration()) {
        throw new OAuthException(ErrorCode.ACCESS_DENIED, "Dynamic client registration is disabled");
      }
      return register(parse(request.body()));
    } catch (OAuthException e) {
      return Responses.error(e);
    }
  }

  private static ClientMetadata parse(String body) {
    return ClientMetadataJson.parse(body).metadata();
  }

  private EndpointResponse register(ClientMetadata metadata) {
    List<String> redirectUris = redirectUris(metadata);
    ClientAuthMethod authMethod = authMethod(metadata);
    checkGrantAndResponseTypes(metadata);
    String applicationType = applicationType(metadata);
    String clientName = text(metadata.getName(), "client_name", 200);
    String clientUri = text(metadata.getURI() == null ? null : metadata.getURI().toString(), "client_uri", MAX_TEXT_LENGTH);
    String logoUri = text(metadata.getLogoURI() == null ? null : metadata.getLogoURI().toString(), "logo_uri", MAX_TEXT_LENGTH);
    Set<String> requestedScopes = requestedScopes(
        text(metadata.getScope() == null ? null : metadata.getScope().toString(), "scope", MAX_TEXT_LENGTH));
    String softwareId = text(metadata.getSoftwareID() == null ? null : metadata.getSoftwareID().getValue(), "software_id", 200);
    String softwareVersion = text(
        metadata.getSoftwareVersion() == null ? null : metadata.getSoftwareVersion().getValue(), "software_version", 200);

    ClientKeys.Published keys =
        authMethod == ClientAuthMethod.PRIVATE_KEY_JWT ? ClientKeys.published(metadata) : ClientKeys.Published.NONE;
    settings.registrationPolicy().check(
        new ClientProposal(redirectUris, authMethod, clientName, clientUri, applicationType, softwareId, requestedScopes));
    // RFC 7591 §2: the registered scope limits what the client may be granted (see registeredScopeAsRequested).
    String scope = requestedScopes.isEmpty() || !settings.registeredScopeAsRequested() ? null : Scopes.join(requestedScopes);

    Instant now = settings.clock().instant();
    String clientId = settings.secrets().newId();
    String secret = authMethod.usesSecret() ? settings.secrets().newSecret() : null;
    Client client = Client.builder(clientId)
        .secret(secret)
        .authMethod(authMethod)
        .redirectUris(redirectUris)
        .clientName(clientName)
        .clientUri(clientUri)
        .logoUri(logoUri)
        .scope(scope)
        .applicationType(applicationType)
        .softwareId(softwareId)
        .softwareVersion(softwareVersion)
        .issuedAt(now)
        .expiresAt(now.plus(settings.lifetimes().unusedClient()))
        .jwks(keys.jwks())
        .jwksUri(keys.jwksUri())
        .build();
    settings.storage().clients().save(client);
    settings.events().publish(EventType.CLIENT_REGISTERED, clientId, null, null);
    return EndpointResponse.noStoreJson(201, informationJson(client, secret, echoedScope(client, requestedScopes)));
  }

  private static List<String> redirectUris(ClientMetadata metadata) {
    Set<URI> uris = metadata.getRedirectionURIs();
    if (uris == null || uris.isEmpty()) {
      throw OAuthException.invalidRedirectUri("redirect_uris is required");
    }
    if (uris.size() > MAX_REDIRECT_URIS) {
      throw OAuthException.invalidRedirectUri("At most " + MAX_REDIRECT_URIS + " redirect URIs may be registered");
    }
    List<String> values = new ArrayList<>();
    for (URI uri : uris) {
      String value = uri.toString();
      RedirectUris.checkRegistrable(value);
      values.add(value);
    }
    return values;
  }

  private static ClientAuthMethod authMethod(ClientMetadata metadata) {
    ClientAuthenticationMethod method = metadata.getTokenEndpointAuthMethod();
    if (method == null) {
      return ClientAuthMethod.CLIENT_SECRET_BASIC; // RFC 7591 §2: the default
    }
    return ClientAuthMethod.fromValue(method.getValue())
        .orElseThrow(() -> OAuthException.invalidClientMetadata(
            "token_endpoint_auth_method must be none, client_secret_basic, client_secret_post or private_key_jwt"));
  }

  private static void checkGrantAndResponseTypes(ClientMetadata metadata) {
    Set<GrantType> grantTypes = metadata.getGrantTypes();
    if (grantTypes != null && !GRANT_TYPES.containsAll(grantTypes)) {
      throw OAuthException.invalidClientMetadata("grant_types may contain only authorization_code and refresh_token");
    }
    if (grantTypes != null && !grantTypes.contains(GrantType.AUTHORIZATION_CODE)) {
      throw OAuthException.invalidClientMetadata("grant_types must include authorization_code");
    }
    Set<ResponseType> responseTypes = metadata.getResponseTypes();
    if (responseTypes != null && !responseTypes.stream().allMatch(ResponseType.CODE::equals)) {
      throw OAuthException.invalidClientMetadata("response_types may contain only code");
    }
  }

  /** The scope a client asks to be registered with must parse (RFC 6749 §3.3). */
  private static Set<String> requestedScopes(String scope) {
    try {
      return Scopes.parse(scope);
    } catch (OAuthException e) {
      throw OAuthException.invalidClientMetadata("scope is malformed: " + e.description());
    }
  }

  private static String applicationType(ClientMetadata metadata) {
    Object value = metadata.getCustomField("application_type");
    if (value == null) {
      return "web"; // OpenID Connect Dynamic Client Registration §2: the default
    }
    if (!"web".equals(value) && !"native".equals(value)) {
      throw OAuthException.invalidClientMetadata("application_type must be web or native");
    }
    return (String) value;
  }

  private static String text(String value, String name, int maxLength) {
    if (value != null && value.length() > maxLength) {
      throw OAuthException.invalidClientMetadata(name + " is longer than " + maxLength + " characters");
    }
    return value;
  }

  /**
   * The scope the response names: the one the client is held to or, for a client that asked for a
   * scope and was registered without a limit, every scope offered (RFC 7591 §3.2.1: the server may
   * substitute values, and the response must say what was registered).
   */
  private String echoedScope(Client client, Set<String> requestedScopes) {
    if (client.scope() != null || requestedScopes.isEmpty()) {
      return client.scope();
    }
    return Scopes.join(settings.scopes());
  }

  /** The RFC 7591 §3.2.1 response: what was registered, as it was registered. */
  private static String informationJson(Client client, String secret, String scope) {
    try {
      return informationJsonOf(client, secret, scope);
    } catch (com.nimbusds.oauth2.sdk.ParseException e) {
      throw new IllegalStateException("stored jwks no longer parses", e);
    }
  }

  private static String informationJsonOf(Client client, String secret, String scope)
      throws com.nimbusds.oauth2.sdk.ParseException {
    ClientMetadata echo = new ClientMetadata();
    echo.setRedirectionURIs(client.redirectUris().stream().map(URI::create).collect(Collectors.toCollection(LinkedHashSet::new)));
    echo.setTokenEndpointAuthMethod(ClientAuthenticationMethod.parse(client.authMethod().value()));
    echo.setGrantTypes(new LinkedHashSet<>(List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN)));
    echo.setResponseTypes(Set.of(ResponseType.CODE));
    echo.setName(client.clientName());
    if (client.clientUri() != null) {
      echo.setURI(URI.create(client.clientUri()));
    }
    if (client.logoUri() != null) {
      echo.setLogoURI(URI.create(client.logoUri()));
    }
    if (scope != null) {
      echo.setScope(Scope.parse(scope));
    }
    if (client.softwareId() != null) {
      echo.setSoftwareID(new SoftwareID(client.softwareId()));
    }
    if (client.softwareVersion() != null) {
      echo.setSoftwareVersion(new SoftwareVersion(client.softwareVersion()));
    }
    echo.setCustomField("application_type", client.applicationType());
    if (client.jwks() != null) {
      echo.setCustomField("jwks", JSONObjectUtils.parse(client.jwks()));
    }
    if (client.jwksUri() != null) {
      echo.setJWKSetURI(URI.create(client.jwksUri()));
    }
    ClientInformation information = new ClientInformation(
        new ClientID(client.clientId()),
        Date.from(client.issuedAt()),
        echo,
        secret == null ? null : new Secret(secret));
    JSONObject json = information.toJSONObject();
    if (secret != null) {
      json.put("client_secret_expires_at", 0); // never (RFC 7591 §3.2.1)
    }
    return json.toJSONString();
  }
}
