package dev.mcpauth.guard;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import net.minidev.json.JSONObject;

/**
 * What every HTTP adapter decides about a request to the MCP endpoint (RFC 6750, RFC 9728 §5, MCP
 * authorization), whatever carries it: a servlet container, a Lambda function, a proxy. The adapter
 * only moves bytes: it asks {@link #checkHeaders} before it reads a body, {@link #checkCalls} once it has
 * one (when {@link ScopePolicy#inspectsCalls()}), and writes the {@link EndpointResponse} it is given.
 *
 * <ul>
 *   <li>a method other than GET, POST, DELETE and OPTIONS: 405;
 *   <li>a {@code Host} or {@code Origin} the {@link OriginGuard} refuses, or either sent twice: 403;
 *   <li>a CORS preflight from an allowed origin: 204 with the CORS headers;
 *   <li>a body that is not JSON in UTF-8 by its {@code Content-Type}: 415;
 *   <li>no token, or a bad or expired one: 401 with {@code WWW-Authenticate: Bearer
 *       resource_metadata="…", scope="…"} (plus {@code error="invalid_token"} when one was sent);
 *   <li>too little scope: 403 with {@code error="insufficient_scope"}, naming every scope needed;
 *   <li>token store or issuer unavailable: 503 with {@code Retry-After}.
 * </ul>
 *
 * Every decision but the last comes from the headers alone, so an anonymous client cannot make the
 * server read a body. Immutable and thread-safe.
 */
public final class McpGuard {
  /** Streamable HTTP has GET, POST and DELETE; HEAD would open an event stream that never answers. */
  public static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
  private static final Set<String> METHODS = Set.of("GET", "POST", "DELETE", "OPTIONS");

  private final TokenVerifier verifier;
  private final String resourceMetadataUrl;
  private final ScopePolicy scopes;
  private final OriginGuard origins;

  public McpGuard(TokenVerifier verifier, String resourceMetadataUrl, ScopePolicy scopes, OriginGuard origins) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.resourceMetadataUrl = Objects.requireNonNull(resourceMetadataUrl, "resourceMetadataUrl");
    this.scopes = Objects.requireNonNull(scopes, "scopes");
    this.origins = Objects.requireNonNull(origins, "origins");
  }

  /** What {@link #checkHeaders} decided. */
  public sealed interface Decision permits Respond, Proceed {}

  /** Answer with this, and do not read the body. */
  public record Respond(EndpointResponse response) implements Decision {}

  /**
   * The token is good for every request; go on, adding {@code responseHeaders} (CORS) to whatever the
   * MCP server answers, and check the calls of a body with {@link #checkCalls} when {@link
   * #inspectsCalls()}.
   */
  public record Proceed(VerifiedToken token, Map<String, String> responseHeaders) implements Decision {}

  /**
   * Decides from the method and headers alone.
   *
   * @param method the request method, as sent
   * @param headers every value of a header by its name (case-insensitive), in the order sent; empty
   *     when absent
   */
  public Decision checkHeaders(String method, Function<String, List<String>> headers) {
    if (!METHODS.contains(method)) {
      return new Respond(jsonError(405, "invalid_request", "Method not allowed").withHeader("Allow", ALLOWED_METHODS));
    }
    List<String> hosts = headers.apply("Host");
    List<String> originValues = headers.apply("Origin");
    String origin = originValues.isEmpty() ? null : originValues.get(0);
    // one of each, as the code behind reads one; the Host check is on whenever the guard is
    if (hosts.size() > 1 || originValues.size() > 1
        || !origins.hostAllowed(hosts.isEmpty() ? null : hosts.get(0)) || !origins.originAllowed(origin)) {
      return new Respond(jsonError(403, "forbidden", "Host or Origin not allowed"));
    }
    Map<String, String> cors = origin == null ? Map.of() : corsHeaders(origin);
    if (origin != null && method.equals("OPTIONS") && !headers.apply("Access-Control-Request-Method").isEmpty()) {
      Map<String, String> preflight = new LinkedHashMap<>(cors);
      preflight.put("Access-Control-Allow-Methods", ALLOWED_METHODS);
      preflight.put("Access-Control-Allow-Headers",
          "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID");
      preflight.put("Access-Control-Max-Age", "86400");
      return new Respond(new EndpointResponse(204, preflight, ""));
    }
    if (hasBody(method)) {
      try {
        McpCalls.requireJsonInUtf8(headers.apply("Content-Type"));
      } catch (McpCalls.Refused e) {
        return new Respond(withHeaders(jsonRpcError(e.status(), e.jsonRpcCode(), e.getMessage()), cors));
      }
    }
    Set<String> always = scopes.requiredFor(List.of()); // computed once by the policy
    String token = bearerToken(headers.apply("Authorization"));
    if (token == null) {
      return new Respond(withHeaders(challenge(resourceMetadataUrl, 401, always, null, null), cors));
    }
    VerifiedToken verified;
    try {
      verified = verifier.verify(token);
    } catch (OAuthException e) {
      return new Respond(withHeaders(refusal(e), cors));
    }
    if (!verified.hasScopes(always)) {
      return new Respond(withHeaders(insufficientScope(always), cors));
    }
    return new Proceed(verified, cors);
  }

  /** Whether the scopes a request needs depend on its body's calls, so that the body must be read. */
  public boolean inspectsCalls() {
    return scopes.inspectsCalls();
  }

  /**
   * The answer for a body whose calls need scopes the token lacks (403), or that cannot be read as
   * JSON-RPC (400); {@code null} when the token may make these calls.
   */
  public EndpointResponse checkCalls(VerifiedToken token, byte[] body) {
    if (!scopes.inspectsCalls()) {
      return null;
    }
    Set<String> required;
    try {
      required = scopes.requiredFor(McpCalls.read(body));
    } catch (McpCalls.Refused e) {
      return jsonRpcError(e.status(), e.jsonRpcCode(), e.getMessage());
    }
    return token.hasScopes(required) ? null : insufficientScope(required);
  }

  /**
   * A token that failed verification, or whose session or upstream sign-in cannot be used: 401 with
   * {@code error="invalid_token"}, or 503 with {@code Retry-After} when it cannot be checked now.
   */
  public EndpointResponse refusal(OAuthException e) {
    return refusal(resourceMetadataUrl, scopes.requiredFor(List.of()), e);
  }

  /**
   * {@link #refusal(OAuthException)} for an adapter that is not itself the guard, e.g. a proxy whose
   * upstream sign-in behind a verified token has ended.
   *
   * @param scopes the scopes to name in the challenge (empty: none)
   */
  public static EndpointResponse refusal(String resourceMetadataUrl, Set<String> scopes, OAuthException e) {
    if (e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE) {
      return jsonError(503, e.code().code(), "The token cannot be checked right now").withHeader("Retry-After", "5");
    }
    return challenge(resourceMetadataUrl, 401, scopes, "invalid_token", e.description());
  }

  /** Whether the method may carry JSON-RPC messages: all but GET, HEAD, DELETE and OPTIONS (fail closed). */
  public static boolean hasBody(String method) {
    return !(method.equals("GET") || method.equals("HEAD") || method.equals("DELETE") || method.equals("OPTIONS"));
  }

  /**
   * A JSON-RPC error without id (JSON-RPC 2.0 §5), as the MCP transport answers bodies it cannot read.
   * The message is written as JSON, escaped.
   */
  public static EndpointResponse jsonRpcError(int status, int code, String message) {
    JSONObject error = new JSONObject();
    error.put("code", code);
    error.put("message", message);
    JSONObject body = new JSONObject();
    body.put("jsonrpc", "2.0");
    body.put("id", null);
    body.put("error", error);
    return new EndpointResponse(status, Map.of("Content-Type", EndpointResponse.JSON), body.toJSONString());
  }

  private EndpointResponse insufficientScope(Set<String> required) {
    return challenge(resourceMetadataUrl, 403, required, "insufficient_scope", "This request needs scope " + String.join(" ", required));
  }

  /** RFC 6750 §3 and RFC 9728 §5.1: the challenge, with an OAuth error body. */
  private static EndpointResponse challenge(String resourceMetadataUrl, int status, Set<String> required, String error,
      String description) {
    StringBuilder header = new StringBuilder("Bearer resource_metadata=\"").append(quoted(resourceMetadataUrl)).append('"');
    if (!required.isEmpty()) {
      header.append(", scope=\"").append(quoted(String.join(" ", required))).append('"');
    }
    if (error != null) {
      header.append(", error=\"").append(error).append("\", error_description=\"").append(quoted(description)).append('"');
    }
    return jsonError(status, error != null ? error : "unauthorized",
        quoted(description != null ? description : "A bearer token is required"))
        .withHeader("WWW-Authenticate", header.toString());
  }

  private static EndpointResponse jsonError(int status, String error, String description) {
    JSONObject body = new JSONObject();
    body.put("error", error);
    body.put("error_description", description);
    return EndpointResponse.noStoreJson(status, body.toJSONString());
  }

  private static Map<String, String> corsHeaders(String origin) {
    return Map.of("Access-Control-Allow-Origin", origin, "Vary", "Origin",
        "Access-Control-Expose-Headers", "WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version");
  }

  private static EndpointResponse withHeaders(EndpointResponse response, Map<String, String> headers) {
    EndpointResponse answer = response;
    for (Map.Entry<String, String> header : headers.entrySet()) {
      answer = answer.withHeader(header.getKey(), header.getValue());
    }
    return answer;
  }

  /**
   * The token of a single {@code Authorization: Bearer} header (RFC 6750 §2.1); never from the query.
   * Several {@code Authorization} headers carry no token: which one the code behind would read is not
   * knowable.
   */
  private static String bearerToken(List<String> authorization) {
    if (authorization.size() != 1) {
      return null;
    }
    String header = authorization.get(0);
    // ASCII-only letters, so this case-insensitive match is the same as comparing lower-cased text
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  /** Keeps a header's quoted-string well formed: no quotes, backslashes or control characters. */
  static String quoted(String value) {
    return value == null ? "" : value.replaceAll("[\"\\\\\\p{Cntrl}]", "'");
  }
}
