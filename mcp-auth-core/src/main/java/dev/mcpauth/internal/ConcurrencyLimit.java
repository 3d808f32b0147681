package dev.mcpauth.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} things at once per key (a user's requests on threads, a grant's requests to an
 * MCP server): {@link #enter} counts one in unless the key is at its limit, {@link #leave} counts it
 * out, and a key with none left is forgotten. Per process; thread-safe.
 */
public final class ConcurrencyLimit {
  private final int limit;
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  public ConcurrencyLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    this.limit = limit;
  }

  /** Counts one in for {@code key}, unless it has {@code limit} already; then {@code false}. */
  public boolean enter(String key) {
    boolean[] entered = {false};
    counts.compute(key, (k, count) -> {
      int current = count == null ? 0 : count;
      if (current >= limit) {
        return count;
      }
      entered[0] = true;
      return current + 1;
    });
    return entered[0];
  }

  /** Counts one out for {@code key}; call once for each {@link #enter} that returned {@code true}. */
  public void leave(String key) {
    counts.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
  }
}
