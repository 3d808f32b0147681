package dev.mcpauth.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The rate limiter's token buckets, shared by the replicas on one store so that a limit holds across
 * them: an opaque state per key, replaced only if it is still what the caller read (compare and
 * set), so that two replicas counting at once never both take the last token. Keys are hashes of the
 * action and source (no address or user name is stored as such). Implementations must be thread-safe
 * and atomic across the replicas sharing the store.
 *
 * <p>An old state is never wrong, only full (it records when it was last counted), so a state may be
 * dropped any time after {@code expiresAt} and need not be hidden before it is.
 */
public interface RateLimitStore {
  /** The state under {@code key}, if any is kept. */
  Optional<byte[]> find(String key);

  /**
   * Stores {@code state} under {@code key} until at least {@code expiresAt}, if the state kept is
   * still {@code expected} (none kept, when {@code expected} is empty), atomically.
   *
   * @return whether it was stored; {@code false} when another caller changed the state first
   */
  boolean compareAndSet(String key, Optional<byte[]> expected, byte[] state, Instant expiresAt);
}
