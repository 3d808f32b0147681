package dev.mcpauth.client;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.RegistrationError;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import net.minidev.json.JSONObject;

/**
 * Reads RFC 7591 client metadata, from a registration request or a Client ID Metadata Document: one
 * JSON object with no repeated member (json-smart, which Nimbus parses with, keeps the last of two,
 * so Jackson refuses them first), then Nimbus's {@link ClientMetadata}.
 */
final class ClientMetadataJson {
  private static final ObjectMapper STRICT_JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Client metadata and the JSON it was read from, for members Nimbus does not model. */
  record Parsed(ClientMetadata metadata, JsonNode tree) {}

  private ClientMetadataJson() {}

  /** @throws OAuthException {@code invalid_client_metadata} or {@code invalid_redirect_uri} */
  static Parsed parse(String body) {
    if (body == null || body.isBlank()) {
      throw OAuthException.invalidClientMetadata("The metadata must be a JSON object");
    }
    try {
      JsonNode tree = STRICT_JSON.readTree(body);
      if (tree == null || !tree.isObject()) {
        throw OAuthException.invalidClientMetadata("The metadata must be a JSON object");
      }
      JSONObject json = JSONObjectUtils.parse(body);
      return new Parsed(ClientMetadata.parse(json), tree);
    } catch (JacksonException e) {
      throw OAuthException.invalidClientMetadata("The metadata is not valid JSON (or repeats a member)");
    } catch (ParseException e) {
      boolean redirect = RegistrationError.INVALID_REDIRECT_URI.getCode().equals(
          e.getErrorObject() == null ? null : e.getErrorObject().getCode());
      String description = "Invalid client metadata: " + (e.getMessage() == null ? "malformed" : e.getMessage());
      throw redirect ? OAuthException.invalidRedirectUri(description) : OAuthException.invalidClientMetadata(description);
    } catch (RuntimeException e) {
      // Nimbus reports a few malformed values (e.g. a null inside redirect_uris) this way.
      throw new OAuthException(ErrorCode.INVALID_CLIENT_METADATA, "Invalid client metadata", e.getClass().getName());
    }
  }
}
