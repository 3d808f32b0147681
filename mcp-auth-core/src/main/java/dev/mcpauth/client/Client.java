package dev.mcpauth.client;

import dev.mcpauth.store.TokenHash;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A client: registered (RFC 7591 §2), pre-registered by the operator, or described by its Client ID
 * Metadata Document. What the server keeps and checks; a secret is held only as a hash. Immutable
 * and thread-safe; made by {@link #builder}.
 *
 * @param clientId the identifier: issued at registration, chosen by the operator, or the URL of the
 *     client's metadata document
 * @param secretHash the hash of the client secret; exactly for {@code client_secret_*} clients
 * @param authMethod how the client authenticates at the token endpoint
 * @param redirectUris the registered redirect URIs, exactly as registered; empty for a client that
 *     uses only {@code client_credentials}
 * @param clientName the human-readable name shown on the consent page, or {@code null}
 * @param clientUri the client's home page, or {@code null}
 * @param logoUri the client's logo, or {@code null}
 * @param scope the scope the client is held to (space-separated), or {@code null} for no limit
 * @param applicationType {@code web} or {@code native}
 * @param softwareId the client software's identifier, or {@code null}
 * @param softwareVersion the client software's version, or {@code null}
 * @param issuedAt when the client was registered
 * @param expiresAt when an unused registration lapses; {@code null} once the client has been used
 * @param grantTypes the grant types the client may use ({@code authorization_code}, {@code
 *     refresh_token}, {@code client_credentials})
 * @param jwks the client's public keys as a JWK Set document (RFC 7517 §5), or {@code null}
 * @param jwksUri where the client publishes its public keys, or {@code null}
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
    Instant expiresAt,
    Set<String> grantTypes,
    String jwks,
    String jwksUri) {

  public static final String AUTHORIZATION_CODE = "authorization_code";
  public static final String REFRESH_TOKEN = "refresh_token";
  public static final String CLIENT_CREDENTIALS = "client_credentials";

  public Client {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(authMethod, "authMethod");
    Objects.requireNonNull(applicationType, "applicationType");
    Objects.requireNonNull(issuedAt, "issuedAt");
    redirectUris = List.copyOf(redirectUris);
    grantTypes = Set.copyOf(grantTypes);
    if (authMethod.usesSecret() != (secretHash != null)) {
      throw new IllegalArgumentException("a secret hash is required exactly for client_secret_* clients");
    }
    if (jwks != null && jwksUri != null) {
      throw new IllegalArgumentException("jwks and jwks_uri are mutually exclusive (RFC 7591 §2)");
    }
    if (authMethod == ClientAuthMethod.PRIVATE_KEY_JWT && jwks == null && jwksUri == null) {
      throw new IllegalArgumentException("a private_key_jwt client needs jwks or jwks_uri");
    }
    if (grantTypes.contains(CLIENT_CREDENTIALS) && !authMethod.isConfidential()) {
      throw new IllegalArgumentException("only a confidential client may use client_credentials");
    }
  }

  /** A client with the given id: public, web, both user-facing grant types, issued now. */
  public static Builder builder(String clientId) {
    return new Builder(clientId);
  }

  /** The name to show a person: the registered name, or the client id when there is none (or a blank one). */
  public String displayName() {
    return clientName != null && !clientName.isBlank() ? clientName : clientId;
  }

  /** Whether the client has published keys, so that it can authenticate with a signed assertion. */
  public boolean hasKeys() {
    return jwks != null || jwksUri != null;
  }

  public boolean mayUse(String grantType) {
    return grantTypes.contains(grantType);
  }

  public boolean isExpired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** This client, marked as used: its registration no longer lapses. */
  public Client withoutExpiry() {
    return toBuilder().expiresAt(null).build();
  }

  public Builder toBuilder() {
    return new Builder(clientId)
        .secretHash(secretHash).authMethod(authMethod).redirectUris(redirectUris).clientName(clientName)
        .clientUri(clientUri).logoUri(logoUri).scope(scope).applicationType(applicationType)
        .softwareId(softwareId).softwareVersion(softwareVersion).issuedAt(issuedAt).expiresAt(expiresAt)
        .grantTypes(grantTypes).jwks(jwks).jwksUri(jwksUri);
  }

  @Override
  public String toString() {
    return "Client[" + clientId + ", " + authMethod.value() + "]";
  }

  /** Builds a {@link Client}; each setter names the component it sets. Not thread-safe. */
  public static final class Builder {
    private final String clientId;
    private TokenHash secretHash;
    private ClientAuthMethod authMethod = ClientAuthMethod.NONE;
    private List<String> redirectUris = List.of();
    private String clientName;
    private String clientUri;
    private String logoUri;
    private String scope;
    private String applicationType = "web";
    private String softwareId;
    private String softwareVersion;
    private Instant issuedAt = Instant.now();
    private Instant expiresAt;
    private Set<String> grantTypes = new LinkedHashSet<>(List.of(AUTHORIZATION_CODE, REFRESH_TOKEN));
    private String jwks;
    private String jwksUri;

    private Builder(String clientId) {
      this.clientId = clientId;
    }

    public Builder secretHash(TokenHash secretHash) {
      this.secretHash = secretHash;
      return this;
    }

    /** Hashes {@code secret}; only the hash is kept. */
    public Builder secret(String secret) {
      this.secretHash = secret == null ? null : TokenHash.of(secret);
      return this;
    }

    public Builder authMethod(ClientAuthMethod authMethod) {
      this.authMethod = authMethod;
      return this;
    }

    public Builder redirectUris(List<String> redirectUris) {
      this.redirectUris = redirectUris;
      return this;
    }

    public Builder clientName(String clientName) {
      this.clientName = clientName;
      return this;
    }

    public Builder clientUri(String clientUri) {
      this.clientUri = clientUri;
      return this;
    }

    public Builder logoUri(String logoUri) {
      this.logoUri = logoUri;
      return this;
    }

    public Builder scope(String scope) {
      this.scope = scope;
      return this;
    }

    public Builder applicationType(String applicationType) {
      this.applicationType = applicationType;
      return this;
    }

    public Builder softwareId(String softwareId) {
      this.softwareId = softwareId;
      return this;
    }

    public Builder softwareVersion(String softwareVersion) {
      this.softwareVersion = softwareVersion;
      return this;
    }

    public Builder issuedAt(Instant issuedAt) {
      this.issuedAt = issuedAt;
      return this;
    }

    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    public Builder grantTypes(Set<String> grantTypes) {
      this.grantTypes = grantTypes;
      return this;
    }

    public Builder jwks(String jwks) {
      this.jwks = jwks;
      return this;
    }

    public Builder jwksUri(String jwksUri) {
      this.jwksUri = jwksUri;
      return this;
    }

    /** @throws IllegalArgumentException if the components contradict each other */
    public Client build() {
      return new Client(clientId, secretHash, authMethod, redirectUris, clientName, clientUri, logoUri, scope,
          applicationType, softwareId, softwareVersion, issuedAt, expiresAt, grantTypes, jwks, jwksUri);
    }
  }
}
