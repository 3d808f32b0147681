package dev.mcpauth.guard;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Protects the MCP endpoint against DNS rebinding (MCP transports: servers MUST validate {@code
 * Origin}): a request whose {@code Host} is not this server's, or whose {@code Origin} is present and
 * not allowed, is refused with 403. Requests without {@code Origin} (every non-browser client) pass
 * the origin check. On by default for the resource's own host and origin; for a loopback resource,
 * {@code localhost}, {@code 127.0.0.1} and {@code [::1]} on the same port count as the same host.
 * Immutable and thread-safe.
 */
public final class OriginGuard {
  private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "[::1]");

  private final Set<String> hosts;
  private final Set<String> origins;
  private final boolean enabled;

  private OriginGuard(Set<String> hosts, Set<String> origins, boolean enabled) {
    this.hosts = Set.copyOf(hosts);
    this.origins = Set.copyOf(origins);
    this.enabled = enabled;
  }

  /** Allows the resource's own host and origin (and their loopback aliases). */
  public static OriginGuard forResource(String resource) {
    URI uri = URI.create(resource);
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("the resource must be an absolute URL with a host");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    List<String> names = LOOPBACK.contains(host) ? LOOPBACK : List.of(host);
    Set<String> hosts = new LinkedHashSet<>();
    Set<String> origins = new LinkedHashSet<>();
    for (String name : names) {
      hosts.add(name + ":" + port);
      origins.add(scheme + "://" + name + ":" + port);
      if (uri.getPort() == -1 || port == (scheme.equals("https") ? 443 : 80)) {
        hosts.add(name);
        origins.add(scheme + "://" + name);
      }
    }
    return new OriginGuard(hosts, origins, true);
  }

  /**
   * Turns both checks off. Only for servers that sit behind a proxy doing the same checks: without
   * them a web page the user visits can reach a local MCP server through DNS rebinding.
   */
  public static OriginGuard disabledBehindTrustedProxy() {
    return new OriginGuard(Set.of(), Set.of(), false);
  }

  /** A copy that also allows browser pages from these origins, e.g. {@code http://localhost:6274}. */
  public OriginGuard allowOrigins(String... extra) {
    Set<String> more = new LinkedHashSet<>(origins);
    for (String origin : extra) {
      more.add(origin.toLowerCase(Locale.ROOT).replaceAll("/+$", ""));
    }
    return new OriginGuard(hosts, more, enabled);
  }

  /** A copy that also accepts these {@code Host} values, e.g. the public name behind a proxy. */
  public OriginGuard allowHosts(String... extra) {
    Set<String> more = new LinkedHashSet<>(hosts);
    for (String host : extra) {
      more.add(host.toLowerCase(Locale.ROOT));
    }
    return new OriginGuard(more, origins, enabled);
  }

  /** Whether a request with this {@code Host} header ({@code null}: none) may reach the resource. */
  public boolean hostAllowed(String host) {
    return !enabled || (host != null && hosts.contains(host.toLowerCase(Locale.ROOT)));
  }

  /** Whether a request with this {@code Origin} header ({@code null}: none, not a browser) may. */
  public boolean originAllowed(String origin) {
    return !enabled || origin == null || origins.contains(origin.toLowerCase(Locale.ROOT));
  }
}
