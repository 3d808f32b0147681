package dev.mcpauth.client;

import dev.mcpauth.store.ClientStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the client a {@code client_id} names, wherever it is described: pre-registered by the
 * operator, a Client ID Metadata Document (an https URL), or a dynamic registration in the store
 * (live only until it lapses unused). Thread-safe.
 */
public final class ClientDirectory {
  private final Map<String, Client> preRegistered;
  private final MetadataDocumentClients documents;
  private final ClientStore store;
  private final Clock clock;

  /** @param documents the metadata document clients, or {@code null} when they are not accepted */
  public ClientDirectory(Map<String, Client> preRegistered, MetadataDocumentClients documents, ClientStore store,
      Clock clock) {
    this.preRegistered = Map.copyOf(preRegistered);
    this.documents = documents;
    this.store = store;
    this.clock = clock;
  }

  /**
   * The live client {@code clientId} names, if any.
   *
   * @throws dev.mcpauth.OAuthException {@code invalid_client} when a metadata document URL cannot be
   *     resolved to a valid client, saying why
   */
  public Optional<Client> find(String clientId) {
    Client configured = preRegistered.get(clientId);
    if (configured != null) {
      return Optional.of(configured);
    }
    if (documents != null && MetadataDocumentClients.isClientIdUrl(clientId)) {
      return Optional.of(documents.resolve(clientId));
    }
    Instant now = clock.instant();
    return store.find(clientId).filter(c -> !c.isExpired(now));
  }

  /** Marks a dynamically registered client as used, so that its registration no longer lapses. */
  public void markUsed(Client client) {
    if (client.expiresAt() != null && !preRegistered.containsKey(client.clientId())) {
      store.save(client.withoutExpiry());
    }
  }

  /** Whether metadata document clients are accepted. */
  public boolean acceptsMetadataDocuments() {
    return documents != null;
  }
}
