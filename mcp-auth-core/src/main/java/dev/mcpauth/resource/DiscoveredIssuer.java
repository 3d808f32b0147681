package dev.mcpauth.resource;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external issuer's metadata, discovered on first need rather than at start-up, so that a
 * resource server starts while its issuer is down and recovers by itself once it is back. A failed
 * discovery is retried at most once per retry interval, by one thread; the others get {@code
 * temporarily_unavailable} meanwhile. Once discovered, the metadata is kept. Thread-safe.
 */
final class DiscoveredIssuer {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveredIssuer.class);

  private final IssuerDiscovery discovery;
  private final Clock clock;
  private final Duration retryInterval;
  private volatile IssuerDiscovery.IssuerMetadata metadata;
  private Instant lastFailure;

  DiscoveredIssuer(IssuerDiscovery discovery, Clock clock, Duration retryInterval) {
    this.discovery = discovery;
    this.clock = clock;
    this.retryInterval = retryInterval;
  }

  /** @throws OAuthException {@code temporarily_unavailable} while the metadata cannot be had */
  IssuerDiscovery.IssuerMetadata get() {
    IssuerDiscovery.IssuerMetadata known = metadata;
    return known != null ? known : discoverOnce();
  }

  private synchronized IssuerDiscovery.IssuerMetadata discoverOnce() {
    if (metadata != null) {
      return metadata;
    }
    Instant now = clock.instant();
    if (lastFailure != null && now.isBefore(lastFailure.plus(retryInterval))) {
      throw unavailable();
    }
    try {
      metadata = discovery.discover();
      LOG.info("Discovered the authorization server {}", metadata.issuer());
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
