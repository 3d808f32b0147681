package dev.mcpauth.store.memory;

import dev.mcpauth.store.McpSessionStore;
import dev.mcpauth.store.TokenHash;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link McpSessionStore} in this process's memory: thread-safe, lapsed bindings removed as it goes,
 * lost on restart and not shared. Replicas that serve one MCP endpoint need a shared store.
 */
public final class InMemoryMcpSessionStore implements McpSessionStore {
  private final ExpiringMap<TokenHash, Binding> map;

  public InMemoryMcpSessionStore(Clock clock) {
    this.map = new ExpiringMap<>(Objects.requireNonNull(clock, "clock"));
  }

  @Override
  public void save(TokenHash sessionId, Owner owner, Instant expiresAt) {
    map.put(sessionId, new Binding(owner, expiresAt), expiresAt);
  }

  @Override
  public Optional<Binding> find(TokenHash sessionId) {
    return map.get(sessionId);
  }

  int size() {
    return map.size();
  }
}
