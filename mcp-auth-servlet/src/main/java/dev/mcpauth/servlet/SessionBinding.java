package dev.mcpauth.servlet;

import dev.mcpauth.internal.BoundedCache;
import dev.mcpauth.store.McpSessionStore;
import dev.mcpauth.store.McpSessionStore.Binding;
import dev.mcpauth.store.McpSessionStore.Owner;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.token.VerifiedToken;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds each MCP session to the principal (subject and client) that opened it, so that a leaked or
 * guessed {@code Mcp-Session-Id} is useless with anybody else's token (MCP security best practices,
 * "Session Hijacking": servers must not use sessions for authentication and should bind session ids to
 * user information). The binding is learned from the {@code Mcp-Session-Id} response header the MCP
 * server sends to an initialization (Streamable HTTP, "Session Management"), and kept in a {@link
 * McpSessionStore} so that replicas sharing the store agree.
 *
 * <p>A binding lasts {@code idleTimeout} after the owner's last request: a use after half of it has
 * passed saves it again, so an active session costs a store write at most twice per timeout. A session
 * id the store does not know (never announced, idle for longer, or opened before binding existed) is
 * refused like another principal's: one answer for both, so that no answer tells a stranger which ids
 * are live, and nothing unbound reaches the MCP server (fail closed). The client then opens a new
 * session (Streamable HTTP, "Session Management"). Thread-safe.
 */
final class SessionBinding {
  static final String HEADER = "Mcp-Session-Id";
  private static final Logger LOG = LoggerFactory.getLogger(SessionBinding.class);

  /** Bindings at most: past this, the least recently used are read from the store again. */
  static final int CACHED_BINDINGS = 10_000;

  private final McpSessionStore store;
  private final Duration idleTimeout;
  private final Duration halfIdleTimeout; // computed once: Duration.dividedBy is BigDecimal arithmetic
  private final Clock clock;
  /**
   * Bindings this process has seen, so that a session's requests do not each read the store (the
   * check runs on every MCP request). A session's owner never changes, so a cached binding stays
   * right; one that lapsed by this copy's expiry is read again (another replica may have extended
   * it). An id the store does not know is never cached: another replica may bind it any moment.
   */
  private final BoundedCache<TokenHash, Binding> known = new BoundedCache<>(CACHED_BINDINGS);

  SessionBinding(McpSessionStore store, Duration idleTimeout, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
    this.halfIdleTimeout = idleTimeout.dividedBy(2);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Whether {@code token}'s principal may use session {@code sessionId}: only if the session is bound to
   * that subject and client.
   *
   * @throws dev.mcpauth.OAuthException {@code temporarily_unavailable} if the store cannot be read
   */
  boolean allows(String sessionId, VerifiedToken token) {
    TokenHash hash = TokenHash.of(sessionId);
    Instant now = clock.instant();
    Binding binding = known.get(hash);
    if (binding == null || !binding.expiresAt().isAfter(now)) {
      Optional<Binding> stored = store.find(hash);
      if (stored.isEmpty()) {
        known.remove(hash);
        return false;
      }
      binding = stored.get();
      known.put(hash, binding);
    }
    Owner owner = owner(token);
    if (!binding.owner().equals(owner)) {
      return false;
    }
    if (binding.expiresAt().isBefore(now.plus(halfIdleTimeout))) {
      Instant expiresAt = now.plus(idleTimeout);
      store.save(hash, owner, expiresAt);
      known.put(hash, new Binding(owner, expiresAt));
    }
    return true;
  }

  /**
   * The response to hand to the MCP server: a session id it announces is bound to {@code token}'s
   * principal before the header is set (whatever session the request presented, which {@link #allows}
   * has already checked), so the client never holds
   * an id that is not bound yet (also when a replica serves its next request). Header writes from
   * another thread (an asynchronous or streaming answer written later) go through this wrapper too.
   */
  HttpServletResponse capture(HttpServletResponse response, VerifiedToken token, String presented) {
    Owner owner = owner(token);
    return new HttpServletResponseWrapper(response) {
      @Override
      public void setHeader(String name, String value) {
        if (announcedAndUnbound(name, value)) {
          return;
        }
        super.setHeader(name, value);
      }

      @Override
      public void addHeader(String name, String value) {
        if (announcedAndUnbound(name, value)) {
          return;
        }
        super.addHeader(name, value);
      }

      /** The session the request presented was checked (and kept bound) already: no write for its echo. */
      private boolean announcedAndUnbound(String name, String value) {
        return HEADER.equalsIgnoreCase(name) && value != null && !value.equals(presented) && !bind(value, owner);
      }
    };
  }

  /** Saves the binding; if the store fails, the session id is withheld rather than announced unbound. */
  private boolean bind(String sessionId, Owner owner) {
    try {
      TokenHash hash = TokenHash.of(sessionId);
      Instant expiresAt = clock.instant().plus(idleTimeout);
      store.save(hash, owner, expiresAt);
      known.put(hash, new Binding(owner, expiresAt));
      return true;
    } catch (RuntimeException e) {
      LOG.warn("An MCP session could not be bound to its user, so its id is not announced: {}", e.toString());
      return false;
    }
  }

  private static Owner owner(VerifiedToken token) {
    return new Owner(token.subject(), token.clientId());
  }
}
