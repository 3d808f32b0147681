package dev.mcpauth.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps what an upstream identity provider issued for each local grant, sealed (AES-GCM, bound to
 * the grant id: see {@code UpstreamTokenSealer}), never in clear. Written when the user approves
 * through the provider and replaced on each upstream refresh; removed with the grant.
 * Implementations must be thread-safe and must not return a value past its {@code expiresAt}.
 *
 * <p><b>Refresh lease.</b> A provider that rotates refresh tokens with reuse detection (OAuth 2.1
 * §4.3.1) revokes the user's whole upstream grant when it sees one refresh token twice, so of all the
 * replicas sharing this store only one may refresh a grant at a time. A replica takes the grant's lease
 * ({@link #acquireRefreshLease}) before it calls the provider, saves the new tokens and releases it;
 * the others, refused the lease, read the store until the winner's tokens are there. The guarantee:
 * while a lease is unexpired, no other owner acquires the grant's lease, through any instance of the
 * store on any server; once it expired (its holder died or hung), another owner can take it. A lease
 * is judged on the store's clock like every expiry here, so the replicas' clocks must agree to well
 * within a lease's duration, and a holder must be done (provider answered, tokens saved) before its
 * lease ends: the caller sizes the lease from its timeouts.
 */
public interface UpstreamTokenStore {
  /** Inserts or replaces the sealed tokens of a grant, kept until {@code expiresAt}. */
  void save(String grantId, String sealed, Instant expiresAt);

  Optional<String> find(String grantId);

  /** Idempotent. */
  void delete(String grantId);

  /**
   * Takes the grant's refresh lease for {@code owner}, for {@code duration} from now, if no lease of
   * the grant is unexpired (this owner's included): atomic across all instances of the store.
   *
   * @param owner who takes it, unique per attempt (a random id; never a secret)
   * @return whether {@code owner} now holds the lease
   */
  boolean acquireRefreshLease(String grantId, String owner, Duration duration);

  /**
   * Ends {@code owner}'s lease of the grant; does nothing if another owner holds the grant's lease now
   * (this owner's expired and was taken). Idempotent.
   */
  void releaseRefreshLease(String grantId, String owner);
}
