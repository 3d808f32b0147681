package dev.mcpauth.store;

import dev.mcpauth.client.Client;
import java.util.Optional;

/**
 * Keeps registered clients. Implementations must be thread-safe. A client whose {@link
 * Client#expiresAt()} has passed is as good as absent: {@link #find} may return it (the server checks
 * expiry itself) but should remove it in time.
 */
public interface ClientStore {
  /** Inserts or replaces the client with the same id. */
  void save(Client client);

  Optional<Client> find(String clientId);

  void delete(String clientId);
}
