package dev.mcpauth.servlet;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the MCP requests one user has on request threads at once, so that a user with a valid token
 * cannot hold every thread of the server (slow tool calls on a synchronous MCP server hold one each).
 * A request counts while a thread serves it, not while it waits asynchronously: a stream left open
 * (a GET stream whose client vanished is never noticed) or a body still arriving holds no thread, and
 * counting those would lock a user out for good. Counted per process; thread-safe.
 */
final class InFlightRequests {
  private final int limit;
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  InFlightRequests(int limit) {
    this.limit = limit;
  }

  /** Counts a request of {@code user} in, unless the user has {@code limit} in flight already. */
  boolean enter(String user) {
    boolean[] entered = {false};
    counts.compute(user, (key, count) -> {
      int current = count == null ? 0 : count;
      if (current >= limit) {
        return count;
      }
      entered[0] = true;
      return current + 1;
    });
    return entered[0];
  }

  /** Counts a request of {@code user} out. */
  void leave(String user) {
    counts.computeIfPresent(user, (key, count) -> count <= 1 ? null : count - 1);
  }
}
