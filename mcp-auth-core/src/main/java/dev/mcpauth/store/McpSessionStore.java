package dev.mcpauth.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which principal opened each MCP session (Streamable HTTP {@code Mcp-Session-Id}), so that a session
 * id presented with another user's or another client's token is refused (MCP security best practices,
 * "Session Hijacking"). Session ids are bearer-like secrets: stores see only their {@link TokenHash}.
 * Implementations must be thread-safe, and replicas sharing the store must see each other's bindings.
 */
public interface McpSessionStore {
  /**
   * The principal a session belongs to.
   *
   * @param subject the token's subject; never {@code null}
   * @param clientId the token's client, {@code null} when its issuer names none
   */
  record Owner(String subject, String clientId) {
    public Owner {
      Objects.requireNonNull(subject, "subject");
    }
  }

  /** A binding as stored: its owner, and when it lapses. */
  record Binding(Owner owner, Instant expiresAt) {
    public Binding {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /** Binds a session to its owner until {@code expiresAt}, replacing an earlier binding of the same id. */
  void save(TokenHash sessionId, Owner owner, Instant expiresAt);

  /** The session's binding, empty if there is none or it has lapsed. */
  Optional<Binding> find(TokenHash sessionId);
}
