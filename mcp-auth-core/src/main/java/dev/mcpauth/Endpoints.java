package dev.mcpauth;

import java.net.URI;

/**
 * The URLs of the authorization server's endpoints, all under the issuer, as published in its
 * metadata. Adapters mount the endpoints at these paths. Immutable.
 */
public record Endpoints(
    URI authorization, URI token, URI registration, URI revocation, URI introspection, URI jwks) {

  /** The default layout: {@code /authorize}, {@code /token}, {@code /register}, {@code /revoke}, {@code /introspect}, {@code /jwks}. */
  public static Endpoints under(String issuer) {
    return new Endpoints(
        URI.create(issuer + "/authorize"),
        URI.create(issuer + "/token"),
        URI.create(issuer + "/register"),
        URI.create(issuer + "/revoke"),
        URI.create(issuer + "/introspect"),
        URI.create(issuer + "/jwks"));
  }
}
