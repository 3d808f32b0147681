package dev.mcpauth.client;

import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.Uris;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides whether a dynamic registration (RFC 7591) may go ahead, after the protocol checks have
 * passed. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface RegistrationPolicy {
  /** Allows every registration that passes the protocol checks. */
  RegistrationPolicy ALLOW_ALL = proposal -> {};

  /**
   * Returns normally to allow the registration, or throws an {@link OAuthException} (typically
   * {@code invalid_redirect_uri} or {@code invalid_client_metadata}) whose description the client
   * will see.
   */
  void check(ClientProposal proposal);

  /** This policy, then {@code next}: both must allow. */
  default RegistrationPolicy and(RegistrationPolicy next) {
    Objects.requireNonNull(next, "next");
    return proposal -> {
      check(proposal);
      next.check(proposal);
    };
  }

  /**
   * Allows only clients whose every redirect URI goes to one of {@code origins} or to a loopback
   * address over http(s). An entry is a host, meaning https on that host ({@code "claude.ai"} admits
   * {@code https://claude.ai/...} and nothing else), or a scheme and host for an app's private-use
   * scheme ({@code "cursor://anysphere.cursor-mcp"}). Scheme and host must both match (compared
   * without case): the host part of a private-use URI is whatever the app chose, so {@code
   * "claude.ai"} must not admit {@code x-app://claude.ai/}.
   *
   * @throws IllegalArgumentException for an entry that is neither a host nor {@code scheme://host}
   */
  static RegistrationPolicy allowRedirectHosts(String... origins) {
    Set<String> allowed = Stream.of(origins).map(RegistrationPolicy::allowedOrigin).collect(Collectors.toUnmodifiableSet());
    return proposal -> {
      for (String redirect : proposal.redirectUris()) {
        URI uri = Uris.parse(redirect).orElse(null);
        String scheme = uri == null || uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri == null || uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        boolean loopback = ("http".equals(scheme) || "https".equals(scheme)) && Uris.isLoopbackHost(host);
        if (host == null || !(loopback || allowed.contains(scheme + "://" + host))) {
          throw OAuthException.invalidRedirectUri("Redirect URIs to this host are not accepted");
        }
      }
    };
  }

  /** {@code "claude.ai"} as {@code "https://claude.ai"}; {@code "cursor://anysphere.cursor-mcp"} as is. */
  private static String allowedOrigin(String entry) {
    String value = entry.toLowerCase(Locale.ROOT);
    String withScheme = value.contains("://") ? value : "https://" + value;
    URI uri = Uris.parse(withScheme).orElse(null);
    if (uri == null || uri.getScheme() == null || uri.getHost() == null || uri.getPort() != -1
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
      throw new IllegalArgumentException("not a host or scheme://host: " + entry);
    }
    return uri.getScheme() + "://" + uri.getHost();
  }
}
