package dev.mcpauth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.fetch.DocumentCache;
import dev.mcpauth.fetch.DocumentFetcher;
import dev.mcpauth.fetch.FetchException;
import dev.mcpauth.fetch.FetchedDocument;
import dev.mcpauth.internal.Uris;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Clients identified by a Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document;
 * MCP 2025-11-25, Authorization, "Client ID Metadata Documents"): the {@code client_id} is an https
 * URL, and the document fetched from it describes the client as a registration would.
 *
 * <ul>
 *   <li>The URL must be https with a path, without fragment, user information or dot segments; its
 *       host must be admitted (every host, or an allow-list). A document the operator pinned is used
 *       instead of fetching.
 *   <li>The document's {@code client_id} must equal the URL exactly; {@code redirect_uris} are
 *       required and follow {@link RedirectUris}; grant types and authentication methods are a menu:
 *       {@code none} is picked when offered, else {@code private_key_jwt} with the document's keys;
 *       grant types this server does not serve (such as {@code jwt-bearer}) are ignored, and only a
 *       document with nothing usable left is refused. The {@link RegistrationPolicy} applies.
 *   <li>A valid document is kept as long as its HTTP caching allows (within the fetcher's bounds);
 *       errors and invalid documents are never kept, so a fixed document takes effect at once.
 * </ul>
 *
 * Every failure is {@code invalid_client} saying what went wrong, in words safe to show, except a
 * fetch that may succeed when retried (no connection, a timeout, a 5xx or 429 answer): that is {@code
 * temporarily_unavailable}. Thread-safe.
 */
public final class MetadataDocumentClients {
  private static final Set<String> USABLE_METHODS = Set.of("none", "private_key_jwt");

  private final Set<String> allowedHosts;
  private final Map<String, Client> pinned;
  private final DocumentCache<Client> documents;
  private final RegistrationPolicy policy;
  private final Clock clock;

  /**
   * @param allowedHosts the hosts whose client ids are accepted (lower case); empty for every host
   * @param pinnedDocuments documents by client id, used instead of fetching
   */
  MetadataDocumentClients(Set<String> allowedHosts, Map<String, String> pinnedDocuments, DocumentCache<Client> documents,
      RegistrationPolicy policy, Clock clock) {
    this.allowedHosts = Set.copyOf(allowedHosts);
    this.documents = documents;
    this.policy = policy;
    this.clock = clock;
    Map<String, Client> checked = new java.util.LinkedHashMap<>();
    pinnedDocuments.forEach((url, json) -> {
      try {
        checkUrl(url);
        checked.put(url, fromJson(url, json));
      } catch (OAuthException e) {
        throw new IllegalStateException("Invalid mcp-auth configuration: the pinned document for " + url + " is invalid: "
            + e.description());
      }
    });
    this.pinned = Map.copyOf(checked);
  }

  /**
   * Whether {@code clientId} names a metadata document: an https URL. Client ids this server issues
   * never start so (they are random base64url).
   */
  public static boolean isClientIdUrl(String clientId) {
    return clientId != null && clientId.regionMatches(true, 0, "https://", 0, 8);
  }

  /**
   * The client the document at {@code clientId} describes.
   *
   * @throws OAuthException {@code invalid_client} when the URL is not admitted, the document cannot
   *     be fetched, or it is invalid
   */
  public Client resolve(String clientId) {
    Client pinnedClient = pinned.get(clientId);
    if (pinnedClient != null) {
      return pinnedClient;
    }
    URI url = checkUrl(clientId);
    String host = url.getHost().toLowerCase(Locale.ROOT);
    if (!allowedHosts.isEmpty() && !allowedHosts.contains(host)) {
      throw OAuthException.invalidClient("This server does not accept client metadata documents from " + host);
    }
    try {
      return documents.get(url, document -> fromDocument(clientId, document));
    } catch (FetchException e) {
      String description = "The client's metadata document could not be fetched: " + e.safeMessage();
      String detail = e.reason() + (e.internalDetail() == null ? "" : ": " + e.internalDetail());
      // A client told invalid_client at the token endpoint drops its tokens; one told
      // temporarily_unavailable retries, which is right when the client's site is briefly down.
      throw e.mayHelpToRetry() ? OAuthException.temporarilyUnavailable(description, detail)
          : new OAuthException(ErrorCode.INVALID_CLIENT, description, detail);
    }
  }

  /** The URL rules of the draft (§3): https, a path, no fragment, no credentials, no dot segments. */
  private static URI checkUrl(String clientId) {
    URI uri = Uris.parse(clientId).orElse(null);
    if (uri == null || !isClientIdUrl(clientId) || uri.getHost() == null || clientId.length() > 2000) {
      throw OAuthException.invalidClient("The client id is not a valid metadata document URL");
    }
    if (uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw OAuthException.invalidClient("A client id URL must not have a fragment or user information");
    }
    if (!DocumentFetcher.isAllowedUrl(uri)) {
      throw OAuthException.invalidClient("A client id URL must have a valid port and only ASCII characters");
    }
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      throw OAuthException.invalidClient("A client id URL must have a path");
    }
    for (String segment : path.split("/", -1)) {
      String decoded = segment.replace("%2e", ".").replace("%2E", ".");
      if (decoded.equals(".") || decoded.equals("..")) {
        throw OAuthException.invalidClient("A client id URL must not have dot segments");
      }
    }
    return uri;
  }

  private Client fromDocument(String clientId, FetchedDocument document) {
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(document.body()))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("it is not UTF-8 JSON");
    }
    return fromJson(clientId, json);
  }

  private Client fromJson(String clientId, String json) {
    ClientMetadataJson.Parsed parsed;
    try {
      parsed = ClientMetadataJson.parse(json);
    } catch (OAuthException e) {
      throw invalid(e.description());
    }
    JsonNode idNode = parsed.tree().get("client_id");
    if (idNode == null || !idNode.isTextual() || !idNode.asText().equals(clientId)) {
      throw invalid("its client_id is not exactly the URL it was fetched from");
    }
    ClientMetadata metadata = parsed.metadata();
    try {
      List<String> redirectUris = redirectUris(metadata);
      ClientAuthMethod method = authMethod(parsed.tree(), metadata);
      ClientKeys.Published keys = keys(method, parsed.tree(), metadata);
      Set<String> grantTypes = grantTypes(metadata);
      checkResponseTypes(metadata);
      String name = text(metadata.getName(), "client_name", 200);
      String clientUri = text(metadata.getURI() == null ? null : metadata.getURI().toString(), "client_uri", 2000);
      String logoUri = text(metadata.getLogoURI() == null ? null : metadata.getLogoURI().toString(), "logo_uri", 2000);
      String softwareId = text(metadata.getSoftwareID() == null ? null : metadata.getSoftwareID().getValue(), "software_id", 200);
      policy.check(new ClientProposal(redirectUris, method, name, clientUri, "web", softwareId, Set.of()));
      return Client.builder(clientId)
          .authMethod(method)
          .redirectUris(redirectUris)
          .clientName(name)
          .clientUri(clientUri)
          .logoUri(logoUri)
          .softwareId(softwareId)
          .softwareVersion(text(metadata.getSoftwareVersion() == null ? null : metadata.getSoftwareVersion().getValue(),
              "software_version", 200))
          .issuedAt(clock.instant())
          .jwks(keys.jwks())
          .jwksUri(keys.jwksUri())
          .grantTypes(grantTypes)
          .build();
    } catch (OAuthException e) {
      if (e.code() == ErrorCode.INVALID_CLIENT) {
        throw e;
      }
      throw invalid(e.description());
    } catch (IllegalArgumentException e) {
      throw invalid("its members contradict each other");
    }
  }

  private static List<String> redirectUris(ClientMetadata metadata) {
    Set<URI> uris = metadata.getRedirectionURIs();
    if (uris == null || uris.isEmpty()) {
      throw OAuthException.invalidClientMetadata("redirect_uris is required");
    }
    if (uris.size() > RegistrationEndpoint.MAX_REDIRECT_URIS) {
      throw OAuthException.invalidClientMetadata("it lists more than " + RegistrationEndpoint.MAX_REDIRECT_URIS + " redirect URIs");
    }
    List<String> values = new ArrayList<>();
    for (URI uri : uris) {
      RedirectUris.checkRegistrable(uri.toString());
      values.add(uri.toString());
    }
    return values;
  }

  /**
   * The method picked from the document's menu: {@code token_endpoint_auth_method} (RFC 7591) and the
   * {@code token_endpoint_auth_methods_supported} list some clients publish. None named means {@code
   * none}: a document cannot carry a shared secret.
   */
  private static ClientAuthMethod authMethod(JsonNode tree, ClientMetadata metadata) {
    Set<String> offered = offeredMethods(tree);
    if (offered.contains("none")) {
      return ClientAuthMethod.NONE;
    }
    if (offered.contains("private_key_jwt") && hasKeys(metadata)) {
      return ClientAuthMethod.PRIVATE_KEY_JWT;
    }
    throw OAuthException.invalidClientMetadata(
        "it offers no token endpoint authentication this server accepts (none, or private_key_jwt with jwks or jwks_uri)");
  }

  /**
   * The document's keys: required when {@code private_key_jwt} was picked; kept, when usable, for a
   * client that picked {@code none} but also offers {@code private_key_jwt} (it may sign its token
   * requests, as ChatGPT does); ignored when unusable then, since {@code none} suffices.
   */
  private static ClientKeys.Published keys(ClientAuthMethod method, JsonNode tree, ClientMetadata metadata) {
    if (method == ClientAuthMethod.PRIVATE_KEY_JWT) {
      return ClientKeys.published(metadata);
    }
    if (offeredMethods(tree).contains("private_key_jwt") && hasKeys(metadata)) {
      try {
        return ClientKeys.published(metadata);
      } catch (OAuthException e) {
        return ClientKeys.Published.NONE;
      }
    }
    return ClientKeys.Published.NONE;
  }

  private static Set<String> offeredMethods(JsonNode tree) {
    Set<String> offered = new LinkedHashSet<>();
    JsonNode single = tree.get("token_endpoint_auth_method");
    if (single != null && single.isTextual()) {
      offered.add(single.asText());
    }
    JsonNode list = tree.get("token_endpoint_auth_methods_supported");
    if (list != null && list.isArray()) {
      list.forEach(value -> offered.add(value.asText()));
    }
    if (offered.isEmpty()) {
      offered.add("none");
    }
    offered.retainAll(USABLE_METHODS);
    return offered;
  }

  private static boolean hasKeys(ClientMetadata metadata) {
    return metadata.getJWKSet() != null || metadata.getJWKSetURI() != null;
  }

  /**
   * Grant types are a menu: it must offer the authorization code grant; of the rest only {@code
   * refresh_token} is served (a document without it gets no refresh tokens), the others are ignored.
   */
  private static Set<String> grantTypes(ClientMetadata metadata) {
    Set<GrantType> offered = metadata.getGrantTypes();
    if (offered == null || offered.isEmpty()) {
      // As a registration naming none is registered here: both user-facing grants.
      return Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN);
    }
    if (!offered.contains(GrantType.AUTHORIZATION_CODE)) {
      throw OAuthException.invalidClientMetadata("its grant_types do not include authorization_code");
    }
    return offered.contains(GrantType.REFRESH_TOKEN)
        ? Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN) : Set.of(Client.AUTHORIZATION_CODE);
  }

  private static void checkResponseTypes(ClientMetadata metadata) {
    Set<ResponseType> responseTypes = metadata.getResponseTypes();
    if (responseTypes != null && !responseTypes.isEmpty() && !responseTypes.contains(ResponseType.CODE)) {
      throw OAuthException.invalidClientMetadata("its response_types do not include code");
    }
  }

  private static String text(String value, String name, int maxLength) {
    if (value != null && value.length() > maxLength) {
      throw OAuthException.invalidClientMetadata(name + " is longer than " + maxLength + " characters");
    }
    return value;
  }

  private static OAuthException invalid(String why) {
    return OAuthException.invalidClient("The client's metadata document is invalid: " + why);
  }
}
