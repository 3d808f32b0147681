package dev.mcpauth.client;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.fetch.DocumentCache;
import dev.mcpauth.fetch.DocumentFetcher;
import dev.mcpauth.fetch.FetchException;
import dev.mcpauth.fetch.FetchedDocument;
import dev.mcpauth.internal.Uris;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The public keys a client signs its assertions with ({@code private_key_jwt}, RFC 7523 §2.2): held
 * in its metadata ({@code jwks}) or published at a URL ({@code jwks_uri}, RFC 7591 §2), fetched by the
 * safe fetcher and kept as long as HTTP caching allows within the fetcher's bounds. Thread-safe.
 */
final class ClientKeys {
  static final int MAX_KEYS = 20;
  private static final Set<KeyType> SIGNING_KEY_TYPES = Set.of(KeyType.RSA, KeyType.EC);

  private final DocumentCache<JWKSet> published;

  ClientKeys(DocumentCache<JWKSet> published) {
    this.published = published;
  }

  /** What a client's metadata publishes: its keys, or where they are; both {@code null} for none. */
  record Published(String jwks, String jwksUri) {
    static final Published NONE = new Published(null, null);
  }

  /**
   * The keys that {@code metadata} publishes, checked: public RSA or EC keys held in {@code jwks}, or
   * an https {@code jwks_uri}, never both.
   *
   * @throws OAuthException {@code invalid_client_metadata} saying what is wrong
   */
  static Published published(ClientMetadata metadata) {
    JWKSet jwks = metadata.getJWKSet();
    URI jwksUri = metadata.getJWKSetURI();
    if (jwks != null && jwksUri != null) {
      throw OAuthException.invalidClientMetadata("jwks and jwks_uri must not both be given (RFC 7591, section 2)");
    }
    if (jwks == null && jwksUri == null) {
      throw OAuthException.invalidClientMetadata("private_key_jwt needs jwks or jwks_uri");
    }
    if (jwks != null) {
      return new Published(publicSigningKeys(jwks, "jwks").toString(true), null);
    }
    String uri = jwksUri.toString();
    URI parsed = Uris.parse(uri).orElse(null);
    if (uri.length() > RegistrationEndpoint.MAX_TEXT_LENGTH || parsed == null || !DocumentFetcher.isAllowedUrl(parsed)) {
      throw OAuthException.invalidClientMetadata(
          "jwks_uri must be an https URL with a host, a valid port, only ASCII characters and no user information or fragment");
    }
    return new Published(null, uri);
  }

  /** The keys to verify {@code client}'s assertions with. */
  JWKSet of(Client client) {
    if (client.jwks() != null) {
      try {
        return JWKSet.parse(client.jwks());
      } catch (java.text.ParseException e) {
        throw new IllegalStateException("a client's stored jwks no longer parses", e);
      }
    }
    if (client.jwksUri() == null) {
      throw OAuthException.invalidClient("The client has no keys to verify an assertion with");
    }
    try {
      return published.get(URI.create(client.jwksUri()), ClientKeys::fromDocument);
    } catch (FetchException e) {
      String description = "The client's jwks_uri could not be fetched: " + e.safeMessage();
      String detail = e.reason() + (e.internalDetail() == null ? "" : ": " + e.internalDetail());
      throw e.mayHelpToRetry() ? OAuthException.temporarilyUnavailable(description, detail)
          : new OAuthException(ErrorCode.INVALID_CLIENT, description, detail);
    }
  }

  private static JWKSet fromDocument(FetchedDocument document) {
    try {
      return publicSigningKeys(JWKSet.parse(new String(document.body(), StandardCharsets.UTF_8)), "the jwks_uri document");
    } catch (java.text.ParseException e) {
      throw OAuthException.invalidClient("The client's jwks_uri does not hold a JWK Set");
    } catch (OAuthException e) {
      throw OAuthException.invalidClient(e.description());
    }
  }

  /** Public RSA and EC keys only: a symmetric key in a published set would be a shared secret in the open. */
  private static JWKSet publicSigningKeys(JWKSet set, String where) {
    if (set.getKeys().isEmpty() || set.getKeys().size() > MAX_KEYS) {
      throw OAuthException.invalidClientMetadata(where + " must hold 1 to " + MAX_KEYS + " keys");
    }
    for (JWK key : set.getKeys()) {
      if (!SIGNING_KEY_TYPES.contains(key.getKeyType())) {
        throw OAuthException.invalidClientMetadata(where + " may hold only RSA and EC public keys");
      }
      if (key instanceof RSAKey rsa && rsa.size() < 2048) {
        throw OAuthException.invalidClientMetadata(where + " holds an RSA key shorter than 2048 bits");
      }
    }
    return set.toPublicJWKSet();
  }
}
