package dev.mcpauth.servlet;

import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.Endpoints;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every path the authorization server answers on, host-relative: the endpoints under the issuer; the
 * root {@code /authorize}, {@code /token} and {@code /register} that MCP 2025-03-26 clients fall back
 * to without metadata (MCP 2025-03-26 authorization §2.3.3); and each discovery document at every URL
 * clients probe (RFC 8414 §3, OpenID Connect Discovery 1.0 §4, RFC 9728 §3, in the MCP 2025-11-25
 * order).
 */
final class Routes {
  enum Kind {
    AUTHORIZE, CONSENT, LOGOUT, UPSTREAM_CALLBACK, TOKEN, REGISTER, REVOKE, INTROSPECT, JWKS, AS_METADATA, OPENID_METADATA,
    RESOURCE_METADATA
  }

  record Route(Kind kind, String resource) {}

  private final Map<String, Route> routes = new LinkedHashMap<>();
  private final String consentPath;
  private final String logoutPath;

  Routes(AuthorizationServer server) {
    Endpoints endpoints = server.endpoints();
    String issuerPath = path(URI.create(server.issuer()));
    add(path(endpoints.authorization()), Kind.AUTHORIZE);
    consentPath = path(endpoints.authorization()) + "/consent";
    add(consentPath, Kind.CONSENT);
    logoutPath = path(endpoints.authorization()) + "/logout";
    add(logoutPath, Kind.LOGOUT);
    // The federated login's return from the upstream provider (default /interaction/identity/callback).
    server.upstreamLogin().ifPresent(login -> add(path(login.provider().callbackUri()), Kind.UPSTREAM_CALLBACK));
    add(path(endpoints.token()), Kind.TOKEN);
    add(path(endpoints.registration()), Kind.REGISTER);
    add(path(endpoints.revocation()), Kind.REVOKE);
    add(path(endpoints.introspection()), Kind.INTROSPECT);
    add(path(endpoints.jwks()), Kind.JWKS);
    // 2025-03-26 clients without metadata fall back to these at the root.
    routes.putIfAbsent("/authorize", new Route(Kind.AUTHORIZE, null));
    routes.putIfAbsent("/token", new Route(Kind.TOKEN, null));
    routes.putIfAbsent("/register", new Route(Kind.REGISTER, null));
    // RFC 8414 §3.1 path insertion, then the root form that issuer-less-path clients use.
    add("/.well-known/oauth-authorization-server" + issuerPath, Kind.AS_METADATA);
    add("/.well-known/oauth-authorization-server", Kind.AS_METADATA);
    add("/.well-known/openid-configuration" + issuerPath, Kind.OPENID_METADATA);
    add(issuerPath + "/.well-known/openid-configuration", Kind.OPENID_METADATA);
    add("/.well-known/openid-configuration", Kind.OPENID_METADATA);
    for (String resource : server.resources()) {
      String resourcePath = path(URI.create(resource));
      routes.putIfAbsent("/.well-known/oauth-protected-resource" + resourcePath, new Route(Kind.RESOURCE_METADATA, resource));
      // Some clients probe under the MCP path itself.
      if (!resourcePath.isEmpty()) {
        add(resourcePath + "/.well-known/oauth-authorization-server", Kind.AS_METADATA);
        add(resourcePath + "/.well-known/openid-configuration", Kind.OPENID_METADATA);
      }
    }
    routes.putIfAbsent("/.well-known/oauth-protected-resource", new Route(Kind.RESOURCE_METADATA, server.resources().get(0)));
  }

  private void add(String path, Kind kind) {
    routes.putIfAbsent(path.isEmpty() ? "/" : path, new Route(kind, null));
  }

  /** The URI's path without a trailing slash; empty for the root. */
  static String path(URI uri) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  Optional<Route> find(String path) {
    return Optional.ofNullable(routes.get(path));
  }

  /** Every path, for servlet mappings. */
  Map<String, Route> all() {
    return Collections.unmodifiableMap(routes);
  }

  String consentPath() {
    return consentPath;
  }

  /** Where a browser signs out of its login session. */
  String logoutPath() {
    return logoutPath;
  }
}
