package dev.mcpauth.testing;

import dev.mcpauth.event.AuthEvent;
import dev.mcpauth.event.EventListener;
import dev.mcpauth.event.EventType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event it receives. */
public final class RecordingListener implements EventListener {
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(AuthEvent event) {
    events.add(event);
  }

  public List<AuthEvent> events() {
    return List.copyOf(events);
  }

  public List<EventType> types() {
    return events.stream().map(AuthEvent::type).toList();
  }
}
