package dev.mcpauth.servlet;

import dev.mcpauth.OAuthException;
import dev.mcpauth.guard.McpGuard;
import dev.mcpauth.guard.OriginGuard;
import dev.mcpauth.guard.ScopePolicy;
import dev.mcpauth.http.EndpointResponse;
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
import java.util.List;
import java.util.Objects;

/**
 * Guards the MCP endpoint (RFC 6750, RFC 9728 §5, MCP authorization): every request must carry a
 * bearer token that this resource's {@link TokenVerifier} accepts and that has the scopes the
 * {@link ScopePolicy} asks for. The decisions are core's {@link McpGuard}, shared by every adapter; this
 * filter adds what belongs to servlets: reading the body without holding a thread, the MCP session
 * binding and the per-user limit on requests in flight.
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
  /** The request attribute that carries a {@link Checked} request from its first dispatch to the ASYNC one. */
  private static final String CHECKED = BearerTokenFilter.class.getName() + ".checked";

  /** The decisions every adapter makes alike (method, Host/Origin, CORS, the token, the scopes). */
  private final transient McpGuard guard;
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
    this.guard = new McpGuard(verifier, resourceMetadataUrl, scopes, origins);
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
    // Who is asking is decided from the headers alone: the body is read only for a verified token.
    McpGuard.Decision decision = guard.checkHeaders(request.getMethod(), name -> ServletIo.headerValues(request, name));
    if (decision instanceof McpGuard.Respond respond) {
      UnreadBody.refuse(request, response, () -> ServletIo.write(respond.response(), response));
      return;
    }
    McpGuard.Proceed proceeding = (McpGuard.Proceed) decision;
    proceeding.responseHeaders().forEach(response::setHeader);
    VerifiedToken verified = proceeding.token();
    List<String> sessionIds = ServletIo.headerValues(request, SessionBinding.HEADER);
    if (sessionIds.size() > 1) { // the check and the MCP server must see the same one session
      UnreadBody.refuse(request, response,
          () -> ServletIo.write(McpGuard.jsonRpcError(400, -32600, "Bad Request: send at most one Mcp-Session-Id"), response));
      return;
    }
    if (!sessionIds.isEmpty()) {
      boolean allowed;
      try {
        allowed = sessions.allows(sessionIds.get(0), verified);
      } catch (OAuthException e) {
        UnreadBody.refuse(request, response, () -> ServletIo.write(guard.refusal(e), response));
        return;
      }
      if (!allowed) {
        // 404, not 403: to this principal the session does not exist. A Streamable HTTP server answers
        // 404 to a session id it does not know, and the client then starts a new session (MCP
        // 2025-06-18 Transports, "Session Management", items 3 and 4); a 403 would tell a stranger that
        // the id is live and leave a legitimate client that switched accounts stuck.
        UnreadBody.refuse(request, response, () -> ServletIo.write(McpGuard.jsonRpcError(404, -32001, "Session not found"), response));
        return;
      }
    }
    if (!McpGuard.hasBody(request.getMethod())) {
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
    } else if (guard.inspectsCalls()) {
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
      EndpointResponse refused = guard.checkCalls(verified, checked.body());
      if (refused != null) {
        ServletIo.write(refused, response);
        return;
      }
      forwarded = new CachedBodyRequest(request, checked.body());
    }
    String user = verified.subject() != null ? verified.subject() : verified.clientId();
    if (!inFlight.enter(user)) {
      UnreadBody.refuse(request, response, () -> {
        response.setHeader("Retry-After", "1");
        ServletIo.write(McpGuard.jsonRpcError(429, -32000, "Too many requests in flight for this user: wait for one to end"), response);
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
}
