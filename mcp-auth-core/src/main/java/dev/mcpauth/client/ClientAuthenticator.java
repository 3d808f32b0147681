package dev.mcpauth.client;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PlainClientSecret;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.store.TokenHash;

/**
 * Authenticates the client of a token, revocation or introspection request (RFC 6749 §2.3): by its
 * secret, compared as a hash in constant time; by a signed assertion ({@code private_key_jwt}, RFC
 * 7523 §2.2) verified with its published keys; or, for a public client, by its {@code client_id}
 * alone. A client whose metadata document offers both {@code none} and {@code private_key_jwt} may
 * use either, but an assertion it sends must verify. A wrong secret and a wrong method get the same
 * {@code invalid_client}, so the answer does not tell which part was wrong. Thread-safe.
 */
public final class ClientAuthenticator {
  private final ClientDirectory clients;
  private final ClientAssertions assertions;

  ClientAuthenticator(ClientDirectory clients, ClientAssertions assertions) {
    this.clients = clients;
    this.assertions = assertions;
  }

  /**
   * @param authentication the credentials Nimbus parsed from the request, or {@code null}
   * @param publicClientId the {@code client_id} parameter of a request without credentials, or
   *     {@code null}
   */
  public Client authenticate(ClientAuthentication authentication, ClientID publicClientId) {
    if (authentication instanceof PrivateKeyJWT assertion) {
      Client client = registered(assertion.getClientID().getValue());
      if (!client.hasKeys()
          || !(client.authMethod() == ClientAuthMethod.PRIVATE_KEY_JWT || client.authMethod() == ClientAuthMethod.NONE)) {
        throw new OAuthException(ErrorCode.INVALID_CLIENT, "Client authentication failed",
            "client sent an assertion, registered " + client.authMethod());
      }
      assertions.verify(assertion, client);
      return client;
    }
    if (authentication != null) {
      return authenticateBySecret(authentication);
    }
    if (publicClientId == null) {
      throw OAuthException.invalidClient("Client authentication is required");
    }
    Client client = registered(publicClientId.getValue());
    if (client.authMethod().isConfidential()) {
      throw new OAuthException(
          ErrorCode.INVALID_CLIENT, "Client authentication failed", "confidential client sent no credentials");
    }
    return client;
  }

  private Client authenticateBySecret(ClientAuthentication authentication) {
    if (!(authentication instanceof PlainClientSecret secret)) {
      // client_secret_jwt: an HMAC over a secret this server keeps only as a hash.
      throw OAuthException.invalidClient("Unsupported client authentication method");
    }
    Client client = registered(secret.getClientID().getValue());
    ClientAuthMethod used =
        authentication instanceof ClientSecretBasic ? ClientAuthMethod.CLIENT_SECRET_BASIC
            : authentication instanceof ClientSecretPost ? ClientAuthMethod.CLIENT_SECRET_POST
            : null;
    boolean secretMatches =
        client.secretHash() != null && client.secretHash().matches(TokenHash.of(secret.getClientSecret().getValue()));
    if (used != client.authMethod() || !secretMatches) {
      throw new OAuthException(
          ErrorCode.INVALID_CLIENT,
          "Client authentication failed",
          used != client.authMethod() ? "client used " + used + ", registered " + client.authMethod() : "wrong secret");
    }
    return client;
  }

  private Client registered(String clientId) {
    return clients.find(clientId).orElseThrow(() -> OAuthException.invalidClient("Unknown or expired client"));
  }
}
