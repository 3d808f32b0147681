package dev.mcpauth.token;

import dev.mcpauth.client.ClientAuthenticator;
import dev.mcpauth.event.EventType;
import dev.mcpauth.internal.Settings;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The token side of the server, wired once: the token, revocation and introspection endpoints and a
 * verifier per protected resource, all sharing one revocation path so that a revoked grant leaves
 * every verifier cache at once. Made by {@code AuthorizationServer}; thread-safe.
 */
public final class TokenService {
  private final TokenEndpoint tokenEndpoint;
  private final RevocationEndpoint revocationEndpoint;
  private final IntrospectionEndpoint introspectionEndpoint;
  private final Map<String, IssuedTokenVerifier> verifiers;
  private final GrantRevocation revocation;
  private final Settings settings;

  public TokenService(Settings settings) {
    this.settings = settings;
    this.revocation = new GrantRevocation(settings);
    ClientAuthenticator authenticator = settings.clients().authenticator();
    this.verifiers = settings.resources().stream()
        .collect(Collectors.toUnmodifiableMap(Function.identity(), resource -> new IssuedTokenVerifier(settings, resource)));
    IssuedTokenVerifier anyResource = new IssuedTokenVerifier(settings, null);
    verifiers.values().forEach(revocation::register);
    revocation.register(anyResource);
    TokenLookup lookup = new TokenLookup(settings, anyResource);
    this.tokenEndpoint = new TokenEndpoint(settings, authenticator, new AccessTokenSigner(settings), revocation);
    this.revocationEndpoint = new RevocationEndpoint(settings, authenticator, lookup, revocation);
    this.introspectionEndpoint = new IntrospectionEndpoint(settings, authenticator, lookup);
  }

  public TokenEndpoint tokenEndpoint() {
    return tokenEndpoint;
  }

  public RevocationEndpoint revocationEndpoint() {
    return revocationEndpoint;
  }

  public IntrospectionEndpoint introspectionEndpoint() {
    return introspectionEndpoint;
  }

  /** Revokes a grant and everything issued from it, in this process at once (e.g. its upstream login ended). */
  public void revokeGrant(String grantId) {
    String clientId = settings.storage().grants().find(grantId).map(Grant::clientId).orElse(null);
    revocation.revoke(grantId, clientId, EventType.GRANT_REVOKED);
  }

  /** The verifier for one configured resource (exactly as configured). */
  public TokenVerifier verifier(String resource) {
    IssuedTokenVerifier verifier = verifiers.get(resource);
    if (verifier == null) {
      throw new IllegalArgumentException("not a protected resource of this server: " + resource);
    }
    return verifier;
  }
}
