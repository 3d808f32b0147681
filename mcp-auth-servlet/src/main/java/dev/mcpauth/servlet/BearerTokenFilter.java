package dev.mcpauth.servlet;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.ConcurrencyLimit;
import dev.mcpauth.store.memory.InMemoryMcpSessionStore;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Guards the MCP endpoint (RFC 6750, RFC 9728 §5, MCP authorization): every request must carry a
 * bearer token that this resource's {@link TokenVerifier} accepts and that has the scopes the
 * {@link ScopePolicy} asks for.
 *
 * <ul>
 *   <li>no token, or a bad or expired one: 401 with {@code WWW-Authenticate: Bearer
 *       resource_metadata="…", scope="…"} (plus {@code error="invalid_token"} when one was sent);
 *   <li>too little scope: 403 with {@code error="insufficient_scope"}, naming every scope the
 *       request needs, and {@code resource_metadata};
 *   <li>token store or issuer unavailable: 503 with {@code Retry-After};
 *   <li>a {@code Host} or {@code Origin} the {@link OriginGuard} refuses: 403;
 *   <li>an {@code Mcp-Session-Id} that another subject or client opened: 404, as for an unknown
 *       session (see {@link SessionBinding}); several {@code Mcp-Session-Id} headers: 400.
 * </ul>
 *
 * <p>Every refusal but the last is decided from the headers alone, without reading the body (see
 * {@link UnreadBody}): an anonymous client cannot make the server wait for, buffer or parse a body. So
 * a 401 names the scopes every request needs ({@link ScopePolicy#always()}), as MCP clients expect of a
 * challenge to a request without credentials. Only for a verified token is the body read (at most
 * {@value #MAX_BODY_BYTES} bytes), to learn what it calls when the policy has per-method or per-tool
 * rules. Installed by {@link McpAuthServlets#install} (mapped for REQUEST and ASYNC dispatches), the
 * filter reads it without holding a thread, answers 408 when it has not arrived in time, and passes it
 * on in an ASYNC dispatch, so that no MCP server ever waits on a slow body; mapped by hand for REQUEST
 * only, it reads the body on the request thread, and only when the policy needs it. A user has at most
 * {@code maxRequestsInFlightPerUser} requests on request threads at once (then 429); other methods
 * than GET, POST, DELETE and OPTIONS get 405.
 *
 * <p>A verified request goes on with the {@link VerifiedToken} in the request attribute {@link
 * #VERIFIED_TOKEN}. Register with async support on, as the MCP transport needs it. Thread-safe.
 */
public final class BearerTokenFilter extends HttpFilter {
  /** The request attribute that holds the {@link VerifiedToken} of an authorized request. */
  public static final String VERIFIED_TOKEN = "dev.mcpauth.verifiedToken";
  /** MCP messages are small; this bounds what the filter buffers to read the method. */
  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  private static final Set<String> MCP_METHODS = Set.of("GET", "POST", "DELETE", "OPTIONS");
  /** The request attribute that carries a {@link Checked} request from its first dispatch to the ASYNC one. */
  private static final String CHECKED = BearerTokenFilter.class.getName() + ".checked";

  private final transient TokenVerifier verifier;
  private final String resourceMetadataUrl;
  private final transient ScopePolicy scopes;
  private final transient OriginGuard origins;
  private final transient SessionBinding sessions;
  /**
   * A user's requests on request threads (slow tool calls on a synchronous MCP server hold one each).
   * Requests waiting asynchronously (an open event stream, a body still arriving) hold none and are not
   * counted: a GET stream whose client vanished is never noticed, so counting streams would lock the
   * user out for good.
   */
  private final transient ConcurrencyLimit inFlight;
  private final transient BodyReader mcpBodies;
  /** Set by {@link McpAuthServlets#install}, which maps the filter for ASYNC dispatches too. */
  private volatile boolean asyncDispatchMapped;

  /**
   * A filter whose MCP session bindings are kept in this process's memory, for {@link
   * McpAuthServlets#DEFAULT_SESSION_IDLE_TIMEOUT}: one replica only. {@link McpAuthServlets} passes
   * the store of the authorization server, or the one its builder was given.
   */
  public BearerTokenFilter(TokenVerifier verifier, String resourceMetadataUrl, ScopePolicy scopes, OriginGuard origins) {
    this(verifier, resourceMetadataUrl, scopes, origins, new SessionBinding(new InMemoryMcpSessionStore(Clock.systemUTC()),
        McpAuthServlets.DEFAULT_SESSION_IDLE_TIMEOUT, Clock.systemUTC()), McpAuthServlets.DEFAULT_MAX_REQUESTS_IN_FLIGHT_PER_USER,
        McpAuthServlets.DEFAULT_MCP_BODY_READ_TIMEOUT);
  }

  BearerTokenFilter(TokenVerifier verifier, String resourceMetadataUrl, ScopePolicy scopes, OriginGuard origins,
      SessionBinding sessions, int maxRequestsInFlightPerUser, Duration bodyReadTimeout) {
    this.inFlight = new ConcurrencyLimit(maxRequestsInFlightPerUser);
    this.mcpBodies = new BodyReader(MAX_BODY_BYTES, bodyReadTimeout);
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.resourceMetadataUrl = Objects.requireNonNull(resourceMetadataUrl, "resourceMetadataUrl");
    this.scopes = Objects.requireNonNull(scopes, "scopes");
    this.origins = Objects.requireNonNull(origins, "origins");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request.getDispatcherType() == DispatcherType.ASYNC) {
      Object checked = request.getAttribute(CHECKED);
      if (checked instanceof Checked kept) { // this filter read the body: on with what it checked
        request.removeAttribute(CHECKED);
        proceed(request, response, chain, kept);
      } else {
        chain.doFilter(request, response); // the MCP server's own dispatch of a request checked before
      }
      return;
    }
    ServletIo.noSniff(response); // on its refusals, and on what the MCP transport answers
    if (!MCP_METHODS.contains(request.getMethod())) {
      // Streamable HTTP has GET, POST and DELETE; HEAD would open an event stream that never answers
      response.setHeader("Allow", "GET, POST, DELETE, OPTIONS");
      UnreadBody.refuse(request, response, () -> ServletIo.writeJsonError(response, 405, "invalid_request", "Method not allowed"));
      return;
    }
    String origin = request.getHeader("Origin");
    if (!origins.hostAllowed(request.getHeader("Host")) || !origins.originAllowed(origin)) {
      UnreadBody.refuse(request, response, () -> ServletIo.writeJsonError(response, 403, "forbidden", "Host or Origin not allowed"));
      return;
    }
    if (origin != null) {
      allowOrigin(response, origin);
      if (Cors.isPreflight(request)) {
        response.setHeader("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        response.setHeader("Access-Control-Allow-Headers",
            "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID");
        response.setHeader("Access-Control-Max-Age", "86400");
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        return;
      }
    }
    if (hasBody(request.getMethod())) {
      try {
        McpCalls.requireJsonInUtf8(Collections.list(request.getHeaders("Content-Type")));
      } catch (McpCalls.Refused e) {
        UnreadBody.refuse(request, response, () -> writeJsonRpcError(response, e.status(), e.jsonRpcCode(), e.getMessage()));
        return;
      }
    }
    // Who is asking is decided from the headers alone: the body is read only for a verified token.
    Set<String> always = scopes.requiredFor(List.of()); // computed once by the policy
    String token = bearerToken(request);
    if (token == null) {
      UnreadBody.refuse(request, response, () -> challenge(response, 401, always, null, null));
      return;
    }
    VerifiedToken verified;
    try {
      verified = verifier.verify(token);
    } catch (OAuthException e) {
      UnreadBody.refuse(request, response, () -> refuseToken(response, e, always));
      return;
    }
    if (!verified.hasScopes(always)) {
      UnreadBody.refuse(request, response,
          () -> challenge(response, 403, always, "insufficient_scope", "This request needs scope " + String.join(" ", always)));
      return;
    }
    List<String> sessionIds = Collections.list(request.getHeaders(SessionBinding.HEADER));
    if (sessionIds.size() > 1) { // the check and the MCP server must see the same one session
      UnreadBody.refuse(request, response,
          () -> writeJsonRpcError(response, 400, -32600, "Bad Request: send at most one Mcp-Session-Id"));
      return;
    }
    if (!sessionIds.isEmpty()) {
      boolean allowed;
      try {
        allowed = sessions.allows(sessionIds.get(0), verified);
      } catch (OAuthException e) {
        UnreadBody.refuse(request, response, () -> refuseToken(response, e, always));
        return;
      }
      if (!allowed) {
        // 404, not 403: to this principal the session does not exist. A Streamable HTTP server answers
        // 404 to a session id it does not know, and the client then starts a new session (MCP
        // 2025-06-18 Transports, "Session Management", items 3 and 4); a 403 would tell a stranger that
        // the id is live and leave a legitimate client that switched accounts stuck.
        UnreadBody.refuse(request, response, () -> writeJsonRpcError(response, 404, -32001, "Session not found"));
        return;
      }
    }
    if (!hasBody(request.getMethod())) {
      proceed(request, response, chain, new Checked(verified, sessionIds, null));
    } else if (asyncDispatchMapped && request.isAsyncSupported()) {
      byte[] arrived;
      try {
        arrived = mcpBodies.alreadyArrived(request);
      } catch (IOException e) {
        BodyReader.refuseUnreadable(request, response,
            (status, message) -> ServletIo.writeJsonError(response, status, "invalid_request", message), e);
        return;
      }
      if (arrived != null) { // the usual case: nothing to wait for, so no async cycle
        proceed(request, response, chain, new Checked(verified, sessionIds, arrived));
        return;
      }
      // Read without holding a thread; the request comes back through this filter as an ASYNC dispatch.
      mcpBodies.readThenDispatch(request, response,
          body -> request.setAttribute(CHECKED, new Checked(verified, sessionIds, body)),
          (status, message) -> ServletIo.writeJsonError(response, status, "invalid_request", message));
    } else if (scopes.inspectsCalls()) {
      byte[] body;
      try {
        body = ServletIo.readBody(request, MAX_BODY_BYTES); // blocking: the filter is not mapped for async dispatches
      } catch (ServletIo.BodyTooLarge e) {
        ServletIo.refuseTooLarge(request, response,
            () -> ServletIo.writeJsonError(response, 413, "invalid_request", "The request body is too large"));
        return;
      } catch (IOException e) {
        BodyReader.refuseUnreadable(request, response,
            (status, message) -> ServletIo.writeJsonError(response, status, "invalid_request", message), e);
        return;
      }
      proceed(request, response, chain, new Checked(verified, sessionIds, body));
    } else {
      proceed(request, response, chain, new Checked(verified, sessionIds, null)); // the MCP server reads the body
    }
  }

  /**
   * A verified request with its session checked, and its body when it has been read: the call's
   * scopes checked, then on to the MCP server, counted as in flight while it holds this thread.
   */
  private void proceed(HttpServletRequest request, HttpServletResponse response, FilterChain chain, Checked checked)
      throws IOException, ServletException {
    VerifiedToken verified = checked.token();
    HttpServletRequest forwarded = request;
    if (checked.body() != null) {
      if (scopes.inspectsCalls()) {
        Set<String> required;
        try {
          required = scopes.requiredFor(McpCalls.read(checked.body()));
        } catch (McpCalls.Refused e) {
          writeJsonRpcError(response, e.status(), e.jsonRpcCode(), e.getMessage());
          return;
        }
        if (!verified.hasScopes(required)) {
          challenge(response, 403, required, "insufficient_scope", "This request needs scope " + String.join(" ", required));
          return;
        }
      }
      forwarded = new CachedBodyRequest(request, checked.body());
    }
    String user = verified.subject() != null ? verified.subject() : verified.clientId();
    if (!inFlight.enter(user)) {
      UnreadBody.refuse(request, response, () -> {
        response.setHeader("Retry-After", "1");
        writeJsonRpcError(response, 429, -32000, "Too many requests in flight for this user: wait for one to end");
      });
      return;
    }
    try {
      // Every answer may announce a session: the MCP Java SDK opens a new one on initialize even when the
      // request carried a (stale) id, and that one must be bound too, or it would be open to anyone.
      List<String> sessionIds = checked.sessionIds();
      HttpServletResponse answered = sessions.capture(response, verified, sessionIds.isEmpty() ? null : sessionIds.get(0));
      forwarded.setAttribute(VERIFIED_TOKEN, verified);
      chain.doFilter(forwarded, answered);
    } finally {
      inFlight.leave(user);
    }
  }

  /** What the first dispatch established, kept for the ASYNC dispatch after the body was read. */
  private record Checked(VerifiedToken token, List<String> sessionIds, byte[] body) {}

  /** Called by {@link McpAuthServlets#install} once it mapped this filter for ASYNC dispatches as well. */
  void asyncDispatchMapped() {
    this.asyncDispatchMapped = true;
  }

  @Override
  public void destroy() {
    mcpBodies.close();
  }

  /** A token that failed verification: 401 {@code invalid_token}, or 503 if it cannot be checked now. */
  private void refuseToken(HttpServletResponse response, OAuthException e, Set<String> always) throws IOException {
    if (e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE) {
      response.setHeader("Retry-After", "5");
      ServletIo.writeJsonError(response, 503, e.code().code(), "The token cannot be checked right now");
    } else {
      challenge(response, 401, always, "invalid_token", e.description());
    }
  }

  private void challenge(HttpServletResponse response, int status, Set<String> required, String error, String description)
      throws IOException {
    StringBuilder header = new StringBuilder("Bearer resource_metadata=\"").append(quoted(resourceMetadataUrl)).append('"');
    if (!required.isEmpty()) {
      header.append(", scope=\"").append(quoted(String.join(" ", required))).append('"');
    }
    if (error != null) {
      header.append(", error=\"").append(error).append("\", error_description=\"").append(quoted(description)).append('"');
    }
    response.setHeader("WWW-Authenticate", header.toString());
    ServletIo.writeJsonError(response, status, error != null ? error : "unauthorized",
        quoted(description != null ? description : "A bearer token is required"));
  }

  /** The token of an {@code Authorization: Bearer} header (RFC 6750 §2.1); never from the query. */
  private static String bearerToken(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    // ASCII-only letters, so this case-insensitive match is the same as comparing lower-cased text
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  /**
   * Whether the method may carry JSON-RPC messages: everything but GET, HEAD, DELETE and OPTIONS,
   * so that a method the check does not know (PUT, or "post" in another case) is read, not waved
   * through.
   */
  private static boolean hasBody(String method) {
    return !(method.equals("GET") || method.equals("HEAD") || method.equals("DELETE") || method.equals("OPTIONS"));
  }

  /** A JSON-RPC error without id (JSON-RPC 2.0 §5), as the MCP transport answers bodies it cannot read. */
  private static void writeJsonRpcError(HttpServletResponse response, int status, int code, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json;charset=UTF-8");
    response.getWriter().write(
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"}}");
  }

  private static void allowOrigin(HttpServletResponse response, String origin) {
    response.setHeader("Access-Control-Allow-Origin", origin);
    response.setHeader("Vary", "Origin");
    response.setHeader("Access-Control-Expose-Headers", "WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version");
  }

  /** Keeps a header's quoted-string well formed: no quotes, backslashes or control characters. */
  private static String quoted(String value) {
    return value == null ? "" : value.replaceAll("[\"\\\\\\p{Cntrl}]", "'");
  }
}
