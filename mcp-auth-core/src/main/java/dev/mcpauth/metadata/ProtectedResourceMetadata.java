package dev.mcpauth.metadata;

import dev.mcpauth.http.EndpointResponse;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.minidev.json.JSONObject;

/**
 * An RFC 9728 §3 protected resource metadata document, served at {@code
 * /.well-known/oauth-protected-resource[/resource-path]}, for a resource guarded by this library's
 * own authorization server or by an external one. Immutable and thread-safe.
 */
public final class ProtectedResourceMetadata {
  private static final String OFFLINE_ACCESS = "offline_access";

  private final String json;

  /**
   * @param resource the resource's canonical URI
   * @param authorizationServer the issuer whose tokens the resource accepts
   * @param scopes scopes the resource understands; {@code offline_access} is left out (MCP 2026-07-28:
   *     it is the authorization server's business)
   * @param name a human-readable {@code resource_name}, if any
   */
  public ProtectedResourceMetadata(String resource, String authorizationServer, Collection<String> scopes,
      Optional<String> name) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("resource", resource);
    document.put("authorization_servers", List.of(authorizationServer));
    document.put("scopes_supported", scopes.stream().filter(s -> !OFFLINE_ACCESS.equals(s)).toList());
    document.put("bearer_methods_supported", List.of("header"));
    name.ifPresent(value -> document.put("resource_name", value));
    this.json = JSONObject.toJSONString(document, ServerMetadata.READABLE);
  }

  /**
   * The path of the resource itself (the MCP endpoint), without a trailing slash; {@code /} for a
   * resource at the root.
   */
  public static String resourcePath(URI resource) {
    String path = resource.getRawPath() == null ? "" : resource.getRawPath();
    path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return path.isEmpty() ? "/" : path;
  }

  /** RFC 9728 §3.1: where the resource's metadata is, the well-known segment before its path. */
  public static String metadataPath(URI resource) {
    String path = resourcePath(resource);
    return "/.well-known/oauth-protected-resource" + (path.equals("/") ? "" : path);
  }

  /** {@link #metadataPath} as an absolute URL on the resource's own origin, as challenges name it. */
  public static String metadataUrl(URI resource) {
    return resource.getScheme() + "://" + resource.getRawAuthority() + metadataPath(resource);
  }

  /** The document as a cacheable JSON response. */
  public EndpointResponse response() {
    return EndpointResponse.cacheableJson(json, ServerMetadata.MAX_AGE_SECONDS);
  }
}
