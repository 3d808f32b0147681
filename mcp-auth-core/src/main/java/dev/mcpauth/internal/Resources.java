package dev.mcpauth.internal;

import dev.mcpauth.OAuthException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Resource indicators (RFC 8707): which protected resource a request's tokens are for. */
public final class Resources {
  private Resources() {}

  /**
   * The configured resource that {@code requested} names, or the default resource when the client
   * named none (clients before MCP 2025-06-18 do not send {@code resource}).
   *
   * @throws OAuthException {@code invalid_target} for a resource this server does not protect, more
   *     than one resource, or none when there is no default
   */
  public static String resolve(List<URI> requested, Settings settings) {
    if (requested == null || requested.isEmpty()) {
      if (settings.defaultResource() == null) {
        throw OAuthException.invalidTarget("The resource parameter is required: this server protects several resources");
      }
      return settings.defaultResource();
    }
    if (requested.size() > 1) {
      throw OAuthException.invalidTarget("Request tokens for one resource at a time");
    }
    return match(requested.get(0), settings)
        .orElseThrow(() -> OAuthException.invalidTarget("The resource is not served by this authorization server"));
  }

  /**
   * Checks raw {@code resource} values before a parser sees them: each must be an absolute URI
   * without fragment (RFC 8707 §2), or the request fails with {@code invalid_target}.
   */
  public static void checkWellFormed(List<String> values) {
    for (String value : values) {
      URI uri = Uris.parse(value).orElse(null);
      if (uri == null || !uri.isAbsolute() || uri.getRawFragment() != null) {
        throw OAuthException.invalidTarget("resource must be an absolute URI without a fragment");
      }
    }
  }

  /** The configured resource equal to {@code uri} after canonicalisation. */
  public static Optional<String> match(URI uri, Settings settings) {
    if (uri == null || !uri.isAbsolute() || uri.getHost() == null || uri.getRawFragment() != null) {
      return Optional.empty();
    }
    String canonical = Uris.canonicalResource(uri);
    return settings.resources().stream()
        .filter(resource -> Uris.canonicalResource(URI.create(resource)).equals(canonical))
        .findFirst();
  }
}
