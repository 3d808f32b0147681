package dev.mcpauth.upstream;

import dev.mcpauth.store.Storage;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.testing.MutableClock;

/** Two upstream sessions (as two replicas would have) over one in-memory store. */
class InMemoryUpstreamReplicasTest extends UpstreamReplicasContract {
  private InMemoryStorage storage;

  @Override
  protected Storage replica(MutableClock clock) {
    if (storage == null) {
      storage = new InMemoryStorage(clock);
    }
    return storage;
  }
}
