package dev.mcpauth.client;

import com.nimbusds.jose.JWSAlgorithm;
import dev.mcpauth.fetch.DocumentCache;
import dev.mcpauth.fetch.DocumentFetcher;
import dev.mcpauth.store.ClientAssertionStore;
import dev.mcpauth.store.ClientStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the server tells who a client is, wired once by {@code AuthorizationServer.Builder}: the
 * {@link ClientDirectory} that finds a client by id, and the {@link ClientAuthenticator} that checks
 * its credentials. Immutable and thread-safe.
 */
public final class ClientIdentity {
  /** Documents and key sets kept at once, at most: enough for every client a server meets. */
  static final int CACHED_DOCUMENTS = 10_000;
  /**
   * The algorithms a client assertion ({@code private_key_jwt}) may be signed with: asymmetric only
   * (RSA, RSA-PSS, ECDSA), never {@code none}, never HMAC, which would take a public key for a secret.
   */
  public static final List<JWSAlgorithm> ASSERTION_ALGORITHMS = List.of(
      JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384,
      JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

  private final ClientDirectory directory;
  private final ClientAuthenticator authenticator;

  private ClientIdentity(ClientDirectory directory, ClientAuthenticator authenticator) {
    this.directory = directory;
    this.authenticator = authenticator;
  }

  /** What {@link #create} needs to know about metadata document clients. */
  public record MetadataDocuments(boolean enabled, Set<String> allowedHosts, Map<String, String> pinned) {
    public MetadataDocuments {
      allowedHosts = Set.copyOf(allowedHosts);
      pinned = Map.copyOf(pinned);
    }
  }

  /**
   * @param assertionAudiences the {@code aud} values a client assertion may name: the issuer and the
   *     token endpoint
   * @throws IllegalStateException if a pinned metadata document is invalid
   */
  public static ClientIdentity create(ClientStore store, ClientAssertionStore usedAssertions,
      Map<String, Client> preRegistered, MetadataDocuments documents, DocumentFetcher fetcher,
      RegistrationPolicy policy, Set<String> assertionAudiences, Clock clock, Duration clockSkew) {
    MetadataDocumentClients metadataClients = documents.enabled()
        ? new MetadataDocumentClients(documents.allowedHosts(), documents.pinned(),
            new DocumentCache<>(fetcher, CACHED_DOCUMENTS, clock), policy, clock)
        : null;
    ClientDirectory directory = new ClientDirectory(preRegistered, metadataClients, store, clock);
    ClientKeys keys = new ClientKeys(new DocumentCache<>(fetcher, CACHED_DOCUMENTS, clock));
    ClientAssertions assertions = new ClientAssertions(assertionAudiences, keys, usedAssertions, clock, clockSkew);
    return new ClientIdentity(directory, new ClientAuthenticator(directory, assertions));
  }

  public ClientDirectory directory() {
    return directory;
  }

  public ClientAuthenticator authenticator() {
    return authenticator;
  }
}
