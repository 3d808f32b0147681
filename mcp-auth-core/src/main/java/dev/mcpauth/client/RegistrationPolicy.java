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
   * Allows only clients whose every redirect URI points to one of {@code hosts} (compared without
   * case) or to a loopback address, e.g. {@code allowRedirectHosts("claude.ai", "chatgpt.com")}.
   * For a private-use scheme such as {@code cursor://anysphere.cursor-mcp/...} the host is the part
   * after {@code //}.
   */
  static RegistrationPolicy allowRedirectHosts(String... hosts) {
    Set<String> allowed =
        Stream.of(hosts).map(host -> host.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    return proposal -> {
      for (String redirect : proposal.redirectUris()) {
        String host = Uris.parse(redirect).map(URI::getHost).orElse(null);
        if (host == null || !(Uris.isLoopbackHost(host) || allowed.contains(host.toLowerCase(Locale.ROOT)))) {
          throw OAuthException.invalidRedirectUri("Redirect URIs to this host are not accepted");
        }
      }
    };
  }
}
