package dev.mcpauth.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.authorization.PendingAuthorization;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.ClientAuthMethod;
import dev.mcpauth.token.Grant;
import dev.mcpauth.token.StoredToken;
import dev.mcpauth.token.TokenKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of what a {@link Storage} keeps, for stores that hold values as documents (a JDBC
 * column, a Redis string). Versioned by field names: readers ignore fields they do not know, so a
 * newer writer does not break an older reader. Holds hashes only, like the values themselves.
 * Stateless and thread-safe.
 */
public final class StoredJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StoredJson() {}

  public static String client(Client c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("client_id", c.clientId());
    putHash(o, "secret_hash", c.secretHash());
    o.put("auth_method", c.authMethod().value());
    strings(o, "redirect_uris", c.redirectUris());
    o.put("client_name", c.clientName());
    o.put("client_uri", c.clientUri());
    o.put("logo_uri", c.logoUri());
    o.put("scope", c.scope());
    o.put("application_type", c.applicationType());
    o.put("software_id", c.softwareId());
    o.put("software_version", c.softwareVersion());
    putInstant(o, "issued_at", c.issuedAt());
    putInstant(o, "expires_at", c.expiresAt());
    strings(o, "grant_types", c.grantTypes());
    o.put("jwks", c.jwks());
    o.put("jwks_uri", c.jwksUri());
    return o.toString();
  }

  public static Client client(String json) {
    JsonNode o = read(json);
    // Clients stored before grant types were kept may use the two user-facing ones.
    Set<String> grantTypes = o.has("grant_types") ? new LinkedHashSet<>(strings(o, "grant_types"))
        : Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN);
    return new Client(text(o, "client_id"), hash(o, "secret_hash"),
        ClientAuthMethod.fromValue(text(o, "auth_method")).orElseThrow(() -> corrupt("auth_method")),
        List.copyOf(strings(o, "redirect_uris")), text(o, "client_name"), text(o, "client_uri"), text(o, "logo_uri"),
        text(o, "scope"), text(o, "application_type"), text(o, "software_id"), text(o, "software_version"),
        instant(o, "issued_at"), instant(o, "expires_at"), grantTypes, text(o, "jwks"), text(o, "jwks_uri"));
  }

  public static String grant(Grant g) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", g.id());
    o.put("client_id", g.clientId());
    o.put("subject", g.subject());
    strings(o, "scopes", g.scopes());
    o.put("resource", g.resource());
    o.put("redirect_uri", g.redirectUri());
    o.put("code_challenge", g.codeChallenge());
    putInstant(o, "created_at", g.createdAt());
    putInstant(o, "expires_at", g.expiresAt());
    o.put("grant_type", g.grantType());
    return o.toString();
  }

  public static Grant grant(String json) {
    JsonNode o = read(json);
    return new Grant(text(o, "id"), text(o, "client_id"), text(o, "subject"), new LinkedHashSet<>(strings(o, "scopes")),
        text(o, "resource"), text(o, "redirect_uri"), text(o, "code_challenge"), instant(o, "created_at"),
        instant(o, "expires_at"), o.has("grant_type") ? text(o, "grant_type") : Grant.AUTHORIZATION_CODE);
  }

  public static String token(StoredToken t) {
    ObjectNode o = JSON.createObjectNode();
    putHash(o, "hash", t.hash());
    o.put("kind", t.kind().name());
    o.put("grant_id", t.grantId());
    o.put("client_id", t.clientId());
    putInstant(o, "issued_at", t.issuedAt());
    putInstant(o, "expires_at", t.expiresAt());
    return o.toString();
  }

  public static StoredToken token(String json) {
    JsonNode o = read(json);
    TokenKind kind;
    try {
      kind = TokenKind.valueOf(text(o, "kind"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw corrupt("kind");
    }
    return new StoredToken(hash(o, "hash"), kind, text(o, "grant_id"), text(o, "client_id"), instant(o, "issued_at"),
        instant(o, "expires_at"));
  }

  public static String pending(PendingAuthorization p) {
    ObjectNode o = JSON.createObjectNode();
    putHash(o, "handle_hash", p.handleHash());
    o.put("client_id", p.clientId());
    o.put("redirect_uri", p.redirectUri());
    o.put("redirect_uri_in_request", p.redirectUriInRequest());
    o.put("state", p.state());
    strings(o, "scopes", p.scopes());
    o.put("resource", p.resource());
    o.put("code_challenge", p.codeChallenge());
    strings(o, "prompts", p.prompts());
    putInstant(o, "created_at", p.createdAt());
    putInstant(o, "expires_at", p.expiresAt());
    return o.toString();
  }

  public static PendingAuthorization pending(String json) {
    JsonNode o = read(json);
    return new PendingAuthorization(hash(o, "handle_hash"), text(o, "client_id"), text(o, "redirect_uri"),
        o.path("redirect_uri_in_request").asBoolean(), text(o, "state"), new LinkedHashSet<>(strings(o, "scopes")),
        text(o, "resource"), text(o, "code_challenge"), new LinkedHashSet<>(strings(o, "prompts")),
        instant(o, "created_at"), instant(o, "expires_at"));
  }

  private static JsonNode read(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw corrupt("document");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw corrupt("document");
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode value = o.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static void putHash(ObjectNode o, String field, TokenHash hash) {
    o.put(field, hash == null ? null : hash.value());
  }

  private static TokenHash hash(JsonNode o, String field) {
    String value = text(o, field);
    return value == null ? null : new TokenHash(value);
  }

  private static void putInstant(ObjectNode o, String field, Instant instant) {
    if (instant == null) {
      o.putNull(field);
    } else {
      o.put(field, instant.toString()); // ISO-8601, exact to the nanosecond
    }
  }

  private static Instant instant(JsonNode o, String field) {
    JsonNode value = o.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    try {
      return Instant.parse(value.asText());
    } catch (java.time.format.DateTimeParseException e) {
      throw corrupt(field);
    }
  }

  private static void strings(ObjectNode o, String field, Collection<String> values) {
    ArrayNode array = o.putArray(field);
    values.forEach(array::add);
  }

  private static List<String> strings(JsonNode o, String field) {
    List<String> values = new ArrayList<>();
    o.path(field).forEach(v -> values.add(v.asText()));
    return values;
  }

  private static IllegalStateException corrupt(String field) {
    return new IllegalStateException("stored value has a missing or malformed " + field);
  }
}
