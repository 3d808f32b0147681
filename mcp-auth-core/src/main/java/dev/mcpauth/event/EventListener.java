package dev.mcpauth.event;

/**
 * Receives {@link AuthEvent}s, synchronously, on the thread that handles the request: keep it
 * quick. It may be called from many threads at once. An exception it throws is logged and does not
 * change the outcome of the request.
 */
@FunctionalInterface
public interface EventListener {
  /** Ignores every event. */
  EventListener NONE = event -> {};

  void onEvent(AuthEvent event);
}
