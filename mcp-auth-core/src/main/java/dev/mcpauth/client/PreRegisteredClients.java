package dev.mcpauth.client;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import dev.mcpauth.OAuthException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads clients the operator registers from a JSON array: each element RFC 7591 client metadata
 * plus {@code client_id} and either {@code client_secret} (kept only as a hash) or {@code jwks} /
 * {@code jwks_uri}. {@code grant_types} (default {@code authorization_code} and {@code
 * refresh_token}) says what the client may use, {@code client_credentials} included; {@code scope}
 * limits what it may be granted. {@code token_endpoint_auth_method} defaults to {@code
 * client_secret_basic} with a secret, {@code private_key_jwt} with keys, else {@code none}.
 */
public final class PreRegisteredClients {
  private static final ObjectMapper STRICT_JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> GRANT_TYPES =
      Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN, Client.CLIENT_CREDENTIALS);

  private PreRegisteredClients() {}

  /** @throws IllegalArgumentException saying which client is wrong and why */
  public static List<Client> parse(String json) {
    JsonNode array;
    try {
      array = STRICT_JSON.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not valid JSON (or a member is repeated)");
    }
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("must be a JSON array of client metadata objects");
    }
    List<Client> clients = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (JsonNode element : array) {
      JsonNode id = element.get("client_id");
      String name = id != null && id.isTextual() ? id.asText() : "#" + (clients.size() + 1);
      try {
        Client client = client(element);
        if (!ids.add(client.clientId())) {
          throw new IllegalArgumentException("listed twice");
        }
        clients.add(client);
      } catch (OAuthException e) {
        throw new IllegalArgumentException("client " + name + ": " + e.description());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("client " + name + ": " + e.getMessage());
      }
    }
    return List.copyOf(clients);
  }

  private static Client client(JsonNode element) {
    if (!element.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    String clientId = textMember(element, "client_id");
    if (clientId == null || clientId.isBlank() || MetadataDocumentClients.isClientIdUrl(clientId)) {
      throw new IllegalArgumentException("client_id is required and must not be an https URL (those name metadata documents)");
    }
    String secret = textMember(element, "client_secret");
    ClientMetadata metadata = ClientMetadataJson.parse(metadataOnly(element)).metadata();
    ClientAuthMethod method = metadata.getTokenEndpointAuthMethod() != null
        ? ClientAuthMethod.fromValue(metadata.getTokenEndpointAuthMethod().getValue())
            .orElseThrow(() -> new IllegalArgumentException("unknown token_endpoint_auth_method"))
        : secret != null ? ClientAuthMethod.CLIENT_SECRET_BASIC
        : metadata.getJWKSet() != null || metadata.getJWKSetURI() != null ? ClientAuthMethod.PRIVATE_KEY_JWT
        : ClientAuthMethod.NONE;
    if (method.usesSecret() != (secret != null)) {
      throw new IllegalArgumentException("client_secret goes exactly with client_secret_basic or client_secret_post");
    }
    if (secret != null && secret.length() < 16) {
      throw new IllegalArgumentException("client_secret must have at least 16 characters");
    }
    ClientKeys.Published keys = method == ClientAuthMethod.PRIVATE_KEY_JWT
        ? ClientKeys.published(metadata) : ClientKeys.Published.NONE;
    Set<String> grantTypes = new LinkedHashSet<>();
    if (metadata.getGrantTypes() == null) {
      grantTypes.addAll(List.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN));
    } else {
      metadata.getGrantTypes().stream().map(GrantType::getValue).forEach(grantTypes::add);
    }
    if (!GRANT_TYPES.containsAll(grantTypes)) {
      throw new IllegalArgumentException("grant_types may hold only authorization_code, refresh_token and client_credentials");
    }
    List<String> redirectUris = new ArrayList<>();
    if (metadata.getRedirectionURIs() != null) {
      metadata.getRedirectionURIs().forEach(uri -> {
        RedirectUris.checkRegistrable(uri.toString());
        redirectUris.add(uri.toString());
      });
    }
    if (grantTypes.contains(Client.AUTHORIZATION_CODE) && redirectUris.isEmpty()) {
      throw new IllegalArgumentException("redirect_uris is required for authorization_code");
    }
    return Client.builder(clientId)
        .secret(secret)
        .authMethod(method)
        .redirectUris(redirectUris)
        .clientName(metadata.getName())
        .clientUri(metadata.getURI() == null ? null : metadata.getURI().toString())
        .logoUri(metadata.getLogoURI() == null ? null : metadata.getLogoURI().toString())
        .scope(metadata.getScope() == null ? null : metadata.getScope().toString())
        .issuedAt(Instant.EPOCH)
        .grantTypes(grantTypes)
        .jwks(keys.jwks())
        .jwksUri(keys.jwksUri())
        .build();
  }

  private static String textMember(JsonNode element, String name) {
    JsonNode value = element.get(name);
    if (value != null && !value.isNull() && !value.isTextual()) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return value == null || value.isNull() ? null : value.asText();
  }

  /** The element without {@code client_id} and {@code client_secret}, which client metadata does not hold. */
  private static String metadataOnly(JsonNode element) {
    ObjectNode copy = element.deepCopy();
    copy.remove("client_secret");
    copy.remove("client_id");
    return copy.toString();
  }
}
