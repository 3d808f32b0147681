package dev.mcpauth.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Keeps what an upstream identity provider issued for each local grant, sealed (AES-GCM, bound to
 * the grant id: see {@code UpstreamTokenSealer}), never in clear. Written when the user approves
 * through the provider and replaced on each upstream refresh; removed with the grant.
 * Implementations must be thread-safe and must not return a value past its {@code expiresAt}.
 */
public interface UpstreamTokenStore {
  /** Inserts or replaces the sealed tokens of a grant, kept until {@code expiresAt}. */
  void save(String grantId, String sealed, Instant expiresAt);

  Optional<String> find(String grantId);

  /** Idempotent. */
  void delete(String grantId);
}
