package dev.mcpauth.examples.proxy;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the requests of one grant in flight to the MCP server, so that one user cannot hold every
 * connection the proxy has to it (a few hundred silent GET streams would make every other user's
 * request wait). A client of the MCP Streamable HTTP transport needs one GET stream per session and
 * a few POSTs at a time. Per process; thread-safe.
 */
final class GrantConcurrency {
  private final int limit;
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

  GrantConcurrency(int limit) {
    this.limit = limit;
  }

  /** Counts a request of the grant in, unless it has {@code limit} in flight already. */
  boolean enter(String grantId) {
    boolean[] entered = {false};
    inFlight.compute(grantId, (id, count) -> {
      int current = count == null ? 0 : count;
      if (current >= limit) {
        return count;
      }
      entered[0] = true;
      return current + 1;
    });
    return entered[0];
  }

  /** Counts a request of the grant out; the grant is forgotten when it has none left. */
  void leave(String grantId) {
    inFlight.computeIfPresent(grantId, (id, count) -> count <= 1 ? null : count - 1);
  }
}
