package dev.mcpauth.internal;

import dev.mcpauth.ErrorCode;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.mcpauth.OAuthException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external issuer's metadata, discovered on first need rather than at start-up, so that a
 * resource server starts while its issuer is down and recovers by itself once it is back. One thread
 * discovers at a time and a failed discovery is retried at most once per retry interval; meanwhile
 * the other requests wait for it at most {@code maxWait}, then get {@code temporarily_unavailable}
 * rather than hanging with a hanging issuer. Once discovered, the metadata is kept. Thread-safe.
 */
public final class DiscoveredIssuer {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveredIssuer.class);

  private final IssuerDiscovery discovery;
  private final Clock clock;
  private final Duration retryInterval;
  private final Duration maxWait;
  private final ReentrantLock discovering = new ReentrantLock();
  private volatile AuthorizationServerMetadata metadata;
  private Instant lastFailure; // guarded by discovering

  public DiscoveredIssuer(IssuerDiscovery discovery, Clock clock, Duration retryInterval, Duration maxWait) {
    this.discovery = discovery;
    this.clock = clock;
    this.retryInterval = retryInterval;
    this.maxWait = maxWait;
  }

  /** @throws OAuthException {@code temporarily_unavailable} while the metadata cannot be had */
  public AuthorizationServerMetadata get() {
    AuthorizationServerMetadata known = metadata;
    if (known != null) {
      return known;
    }
    try {
      if (!discovering.tryLock(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw unavailable(); // another request is still discovering
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    }
    try {
      return metadata != null ? metadata : discoverOnce();
    } finally {
      discovering.unlock();
    }
  }

  private AuthorizationServerMetadata discoverOnce() {
    Instant now = clock.instant();
    if (lastFailure != null && now.isBefore(lastFailure.plus(retryInterval))) {
      throw unavailable();
    }
    try {
      metadata = discovery.discover();
      LOG.info("Discovered the authorization server {}", metadata.getIssuer());
      return metadata;
    } catch (IssuerDiscovery.DiscoveryException e) {
      lastFailure = now;
      LOG.error("Cannot discover the authorization server, will retry in {}: {}", retryInterval, e.getMessage());
      throw unavailable();
    }
  }

  private static OAuthException unavailable() {
    return new OAuthException(ErrorCode.TEMPORARILY_UNAVAILABLE, "The authorization server cannot be reached");
  }
}
