package dev.mcpauth.metadata;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import dev.mcpauth.client.ClientIdentity;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.internal.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.minidev.json.JSONStyle;

/**
 * The discovery documents, made once from the configuration:
 *
 * <ul>
 *   <li>RFC 8414 authorization server metadata;
 *   <li>an OpenID Connect discovery document with the same content plus {@code
 *       subject_types_supported}: this server issues no ID tokens, so it claims none of their
 *       parameters (MCP 2025-11-25 lets clients discover through either document);
 *   <li>RFC 9728 protected resource metadata for each protected resource, naming this server.
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class ServerMetadata {
  /** Metadata changes only with configuration; an hour of caching is safe. */
  static final long MAX_AGE_SECONDS = 3600;

  private final String authorizationServer;
  private final String openidConfiguration;
  private final Map<String, ProtectedResourceMetadata> protectedResources;

  public ServerMetadata(Settings settings, Optional<String> resourceName) {
    AuthorizationServerMetadata metadata = authorizationServerMetadata(settings);
    var json = metadata.toJSONObject();
    if (settings.clients().directory().acceptsMetadataDocuments()) {
      json.put("client_id_metadata_document_supported", true); // MCP 2025-11-25, Client ID Metadata Documents
    }
    this.authorizationServer = json.toJSONString(READABLE);
    var openid = new net.minidev.json.JSONObject(json);
    openid.put("subject_types_supported", List.of("public"));
    this.openidConfiguration = openid.toJSONString(READABLE);
    this.protectedResources = settings.resources().stream()
        .collect(Collectors.toUnmodifiableMap(Function.identity(), r -> new ProtectedResourceMetadata(r, settings.issuer(), settings.scopes(), resourceName)));
  }

  /**
   * json-smart's JSON as written by default, except that slashes are not escaped ({@code
   * "https:\/\/…"}), for people reading it. Written with the JSON library Nimbus already loaded:
   * creating a Jackson mapper here cost start-up a tenth of a second.
   */
  static final JSONStyle READABLE = new JSONStyle(JSONStyle.FLAG_PROTECT_4WEB);

  private static AuthorizationServerMetadata authorizationServerMetadata(Settings settings) {
    AuthorizationServerMetadata metadata = new AuthorizationServerMetadata(new Issuer(settings.issuer()));
    dev.mcpauth.Endpoints endpoints = settings.endpoints();
    metadata.setAuthorizationEndpointURI(endpoints.authorization());
    metadata.setTokenEndpointURI(endpoints.token());
    if (settings.dynamicRegistration()) {
      metadata.setRegistrationEndpointURI(endpoints.registration());
    }
    metadata.setRevocationEndpointURI(endpoints.revocation());
    metadata.setIntrospectionEndpointURI(endpoints.introspection());
    metadata.setJWKSetURI(endpoints.jwks());
    List<String> scopes = new ArrayList<>(settings.scopes());
    if (!scopes.contains(Settings.OFFLINE_ACCESS)) {
      scopes.add(Settings.OFFLINE_ACCESS);
    }
    metadata.setScopes(new Scope(scopes.toArray(String[]::new)));
    metadata.setResponseTypes(List.of(ResponseType.CODE));
    metadata.setResponseModes(List.of(ResponseMode.QUERY));
    metadata.setGrantTypes(settings.clientCredentialsOffered()
        ? List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN, GrantType.CLIENT_CREDENTIALS)
        : List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
    metadata.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
    List<ClientAuthenticationMethod> clientMethods = List.of(
        ClientAuthenticationMethod.NONE,
        ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
        ClientAuthenticationMethod.CLIENT_SECRET_POST,
        ClientAuthenticationMethod.PRIVATE_KEY_JWT);
    List<JWSAlgorithm> assertionAlgorithms = ClientIdentity.ASSERTION_ALGORITHMS;
    metadata.setTokenEndpointAuthMethods(clientMethods);
    metadata.setTokenEndpointJWSAlgs(assertionAlgorithms);
    metadata.setRevocationEndpointAuthMethods(clientMethods);
    metadata.setRevocationEndpointJWSAlgs(assertionAlgorithms);
    metadata.setIntrospectionEndpointAuthMethods(List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
        ClientAuthenticationMethod.CLIENT_SECRET_POST, ClientAuthenticationMethod.PRIVATE_KEY_JWT));
    metadata.setIntrospectionEndpointJWSAlgs(assertionAlgorithms);
    metadata.setSupportsAuthorizationResponseIssuerParam(true);
    return metadata;
  }

  /** RFC 8414 §3: served at {@code /.well-known/oauth-authorization-server[/issuer-path]}. */
  public EndpointResponse authorizationServer() {
    return EndpointResponse.cacheableJson(authorizationServer, MAX_AGE_SECONDS);
  }

  /** OpenID Connect Discovery 1.0 §4: served at {@code /.well-known/openid-configuration}. */
  public EndpointResponse openidConfiguration() {
    return EndpointResponse.cacheableJson(openidConfiguration, MAX_AGE_SECONDS);
  }

  /**
   * RFC 9728 §3 for one configured resource: served at {@code
   * /.well-known/oauth-protected-resource[/resource-path]}.
   */
  public EndpointResponse protectedResource(String resource) {
    ProtectedResourceMetadata document = protectedResources.get(resource);
    if (document == null) {
      throw new IllegalArgumentException("not a protected resource of this server: " + resource);
    }
    return document.response();
  }
}
