package dev.mcpauth.internal;

import dev.mcpauth.event.AuthEvent;
import dev.mcpauth.event.EventListener;
import dev.mcpauth.event.EventType;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes events to the application's listener, shielding requests from its failures. */
public final class Events {
  private static final Logger LOG = LoggerFactory.getLogger(Events.class);

  private final EventListener listener;
  private final Clock clock;
  /** A listener that fails, fails on every event anyone can cause (registrations, failed exchanges). */
  private final ThrottledLog log;

  public Events(EventListener listener, Clock clock) {
    this.listener = listener;
    this.clock = clock;
    this.log = new ThrottledLog(LOG, ThrottledLog.DEFAULT_INTERVAL, clock);
  }

  public void publish(EventType type, String clientId, String grantId, String subject) {
    AuthEvent event = new AuthEvent(type, clock.instant(), clientId, grantId, subject);
    LOG.debug("{} client={} grant={}", type, clientId, grantId);
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      log.warn("Event listener failed on {}: {}", type, e.getClass().getName());
    }
  }
}
