package dev.mcpauth.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the MCP requests one user has in flight, so that a user with a valid token cannot hold every
 * request thread of the server: a body sent slowly, or a stream left open, holds one until it ends.
 * A client of the Streamable HTTP transport needs one GET stream per session and a few POSTs at a time.
 * Counted per process; thread-safe.
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

  /**
   * Counts the request out once the exchange has ended: now, or, when it went on asynchronously (a
   * stream), when that ends, however it ends.
   */
  void leaveWhenDone(HttpServletRequest request, String user) {
    if (request.isAsyncStarted()) {
      try {
        request.getAsyncContext().addListener(new LeaveWhenDone(user));
        return;
      } catch (IllegalStateException completing) {
        // already completed within this dispatch: it has ended
      }
    }
    leave(user);
  }

  private void leave(String user) {
    counts.computeIfPresent(user, (key, count) -> count <= 1 ? null : count - 1);
  }

  private final class LeaveWhenDone implements AsyncListener {
    private final String user;
    private final AtomicBoolean left = new AtomicBoolean();

    LeaveWhenDone(String user) {
      this.user = user;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      leaveOnce();
    }

    @Override
    public void onError(AsyncEvent event) {
      leaveOnce();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      leaveOnce();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this); // dispatched and started again: still in flight
    }

    private void leaveOnce() {
      if (left.compareAndSet(false, true)) {
        leave(user);
      }
    }
  }
}
