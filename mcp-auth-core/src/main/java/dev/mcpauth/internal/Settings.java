package dev.mcpauth.internal;

import dev.mcpauth.Endpoints;
import dev.mcpauth.client.ClientIdentity;
import dev.mcpauth.client.RegistrationPolicy;
import dev.mcpauth.store.Storage;
import dev.mcpauth.token.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The checked configuration every endpoint works from, made by {@code AuthorizationServer.Builder}.
 * Not for application use: its shape may change in any release.
 */
public record Settings(
    String issuer,
    Endpoints endpoints,
    List<String> resources,
    String defaultResource,
    Set<String> scopes,
    Set<String> defaultScopes,
    Lifetimes lifetimes,
    boolean dynamicRegistration,
    RegistrationPolicy registrationPolicy,
    boolean registeredScopeAsRequested,
    Set<String> introspectionClients,
    Clock clock,
    Secrets secrets,
    Storage storage,
    Events events,
    SigningKeys keys,
    int verificationCacheSize,
    ClientIdentity clients,
    boolean clientCredentialsOffered) {

  /** The scope that asks for a refresh token; understood whether configured or not. */
  public static final String OFFLINE_ACCESS = "offline_access";

  /** How long everything lives. */
  public record Lifetimes(
      Duration accessToken,
      Duration refreshToken,
      Duration grant,
      Duration authorizationCode,
      Duration pendingAuthorization,
      Duration unusedClient,
      Duration clockSkew,
      Duration revocationCheckInterval) {}
}
