package dev.mcpauth.event;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened in the authorization server, for audit and metrics. It carries
 * identifiers, never a token, code, verifier or secret. Immutable and thread-safe.
 *
 * @param type what happened
 * @param time when, by the server's clock
 * @param clientId the client concerned, or {@code null}
 * @param grantId the grant concerned, or {@code null}
 * @param subject the user concerned, or {@code null}
 */
public record AuthEvent(
    EventType type, Instant time, String clientId, String grantId, String subject) {
  public AuthEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
  }
}
