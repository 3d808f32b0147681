package dev.mcpauth.client;

import dev.mcpauth.store.TokenHash;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A registered client (RFC 7591 §2): what the server keeps and checks. The secret is held only as a
 * hash. Immutable and thread-safe.
 *
 * @param clientId the identifier issued at registration
 * @param secretHash the hash of the client secret; {@code null} for public clients
 * @param authMethod how the client authenticates at the token endpoint
 * @param redirectUris the registered redirect URIs, exactly as registered
 * @param clientName the human-readable name shown on the consent page, or {@code null}
 * @param clientUri the client's home page, or {@code null}
 * @param logoUri the client's logo, or {@code null}
 * @param scope the scope the client registered with (space-separated), or {@code null}
 * @param applicationType {@code web} or {@code native}
 * @param softwareId the client software's identifier, or {@code null}
 * @param softwareVersion the client software's version, or {@code null}
 * @param issuedAt when the client was registered
 * @param expiresAt when an unused registration lapses; {@code null} once the client has been used
 */
public record Client(
    String clientId,
    TokenHash secretHash,
    ClientAuthMethod authMethod,
    List<String> redirectUris,
    String clientName,
    String clientUri,
    String logoUri,
    String scope,
    String applicationType,
    String softwareId,
    String softwareVersion,
    Instant issuedAt,
    Instant expiresAt) {

  public Client {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(authMethod, "authMethod");
    Objects.requireNonNull(applicationType, "applicationType");
    Objects.requireNonNull(issuedAt, "issuedAt");
    redirectUris = List.copyOf(redirectUris);
    if (authMethod.isConfidential() != (secretHash != null)) {
      throw new IllegalArgumentException("a secret hash is required exactly for confidential clients");
    }
  }

  /** The name to show a person: the registered name, or the client id when there is none. */
  public String displayName() {
    return clientName != null ? clientName : clientId;
  }

  public boolean isExpired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** This client, marked as used: its registration no longer lapses. */
  public Client withoutExpiry() {
    return new Client(
        clientId, secretHash, authMethod, redirectUris, clientName, clientUri, logoUri, scope,
        applicationType, softwareId, softwareVersion, issuedAt, null);
  }
}
