package dev.mcpauth.client;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PlainClientSecret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.store.ClientStore;
import dev.mcpauth.store.TokenHash;
import java.time.Clock;
import java.util.Optional;

/**
 * Authenticates the client of a token, revocation or introspection request (RFC 6749 §2.3): a
 * confidential client by its secret, compared as a hash in constant time; a public client by its
 * {@code client_id} alone. Every failure is the same {@code invalid_client}, so the answer does not
 * tell which part was wrong. Thread-safe.
 */
public final class ClientAuthenticator {
  private final ClientStore clients;
  private final Clock clock;

  public ClientAuthenticator(ClientStore clients, Clock clock) {
    this.clients = clients;
    this.clock = clock;
  }

  /**
   * @param authentication the credentials Nimbus parsed from the request, or {@code null}
   * @param publicClientId the {@code client_id} parameter of a request without credentials, or
   *     {@code null}
   */
  public Client authenticate(ClientAuthentication authentication, ClientID publicClientId) {
    if (authentication != null) {
      return authenticateConfidential(authentication);
    }
    if (publicClientId == null) {
      throw OAuthException.invalidClient("Client authentication is required");
    }
    Client client = registered(publicClientId.getValue());
    if (client.authMethod().isConfidential()) {
      throw new OAuthException(
          ErrorCode.INVALID_CLIENT, "Client authentication failed", "confidential client sent no secret");
    }
    return client;
  }

  private Client authenticateConfidential(ClientAuthentication authentication) {
    if (!(authentication instanceof PlainClientSecret secret)) {
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
    Optional<Client> client = clients.find(clientId).filter(c -> !c.isExpired(clock.instant()));
    return client.orElseThrow(() -> OAuthException.invalidClient("Unknown or expired client"));
  }
}
