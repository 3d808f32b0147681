package dev.mcpauth.examples.proxy;

import dev.mcpauth.guard.McpGuard;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.ConcurrencyLimit;
import dev.mcpauth.servlet.BearerTokenFilter;
import dev.mcpauth.token.VerifiedToken;
import dev.mcpauth.upstream.UpstreamSession;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.EarlyHintsProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProcessingProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

/**
 * Forwards the MCP endpoint to the MCP server behind the proxy with Jetty's proxy servlet (POST,
 * GET and DELETE, and whatever status the MCP server answers, 202 and 405 included). The bearer
 * filter has verified the client's token before this runs; the token is then replaced: the MCP
 * server gets the user's upstream access token as {@code Authorization: Bearer}, and the local
 * grant's scope, client id and subject in {@code X-MCP-Auth-*} headers. The client's token never
 * leaves this process.
 *
 * <p>Streaming (MCP Streamable HTTP): the answer's head is sent to the client as soon as it arrives
 * when it is an event stream (POST answers and the standalone GET stream alike), and each chunk of
 * the body is written and flushed before the next is read from the MCP server, without blocking a
 * thread (servlet non-blocking I/O): every event reaches the client when it arrives, and a client
 * that reads slowly holds the MCP server back instead of filling the proxy's memory. A client that
 * leaves aborts the request to the MCP server once a write to it fails (nothing is read from a
 * client while its request is answered); a connection to the MCP server that breaks breaks the
 * client's (no last chunk: an incomplete message, RFC 9112 §8), so an SSE client resumes with
 * {@code Last-Event-ID}.
 *
 * <p>Isolation: the client's own forwarding headers ({@code Forwarded}, {@code X-Forwarded-*},
 * {@code X-Real-IP}), its cookies and any {@code X-MCP-Auth-*} it sent are dropped and the proxy's
 * own values sent instead; the MCP server's challenges, cookies and CORS headers never reach the
 * client (the bearer filter answers for the proxy's origin, and the proxy issues its own challenges).
 *
 * <p>A 401 of the MCP server (the upstream token was refused) is never passed on: the upstream token
 * is refreshed once and the request sent again; a 401 to that resent request, or more than {@link
 * #MAX_REFRESHES_PER_MINUTE} such refreshes of a grant in a minute, ends the grant, and the client
 * gets the proxy's 401 so that it authorizes again.
 */
final class AuthorizingProxyServlet extends ProxyServlet {
  static final String SCOPE_HEADER = "X-MCP-Auth-Scope";
  static final String CLIENT_ID_HEADER = "X-MCP-Auth-Client-Id";
  static final String SUBJECT_HEADER = "X-MCP-Auth-Subject";
  /** Requests of one grant in flight to the MCP server at once; more get 429. */
  static final int MAX_REQUESTS_PER_GRANT = 32;
  /** Refreshes forced by 401s of the MCP server, per grant and minute, before the grant ends. */
  static final int MAX_REFRESHES_PER_MINUTE = 3;
  private static final String BODY = "dev.mcpauth.proxy.body";
  private static final String UPSTREAM_TOKEN = "dev.mcpauth.proxy.upstreamToken";
  private static final String RETRIED = "dev.mcpauth.proxy.retried";
  private static final String PROXY_REQUEST = "dev.mcpauth.proxy.request";
  private static final String WRITER = "dev.mcpauth.proxy.writer";
  /** MCP messages are small; the body is kept to send it again after a refresh. */
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  private static final byte[] NOTHING = new byte[0];
  /**
   * Response headers of the MCP server the client never sees: its challenges (the proxy answers
   * for authorization itself, RFC 9110 §11.6), its cookies, which would be the proxy origin's
   * (RFC 6265 §4.1), and site data clearing, which would clear the proxy's; CORS headers are
   * dropped by prefix (the bearer filter answers CORS for the proxy's origin).
   */
  private static final Set<String> DROPPED_RESPONSE_HEADERS = Set.of("www-authenticate", "authentication-info",
      "set-cookie", "set-cookie2", "clear-site-data");
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuthorizingProxyServlet.class);
  /** A failure every request can meet: a line a minute, with a count. */
  private static final dev.mcpauth.internal.ThrottledLog THROTTLED = dev.mcpauth.internal.ThrottledLog.of(LOG);

  private final transient URI target;
  private final transient UpstreamSession upstream;
  private final transient Consumer<String> endGrant;
  private final String resourceMetadataUrl;
  private final transient ConcurrentHashMap<String, RefreshBudget> refreshBudgets = new ConcurrentHashMap<>();
  /**
   * A grant's requests in flight to the MCP server, so that one user cannot hold every connection the
   * proxy has to it (a few hundred silent GET streams would make every other user's request wait).
   */
  private final transient ConcurrencyLimit inFlight = new ConcurrencyLimit(MAX_REQUESTS_PER_GRANT);

  /**
   * @param endGrant revokes a local grant (whose upstream token the MCP server refuses even fresh)
   */
  AuthorizingProxyServlet(URI target, UpstreamSession upstream, Consumer<String> endGrant, String resourceMetadataUrl) {
    this.target = target;
    this.upstream = upstream;
    this.endGrant = endGrant;
    this.resourceMetadataUrl = resourceMetadataUrl;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
    VerifiedToken verified = (VerifiedToken) request.getAttribute(BearerTokenFilter.VERIFIED_TOKEN);
    if (verified == null) {
      response.sendError(401); // the bearer filter must guard this servlet
      return;
    }
    String grantId = verified.grantId();
    if (!inFlight.enter(grantId)) {
      // RFC 6585 §4: this user has too many requests open; they end, and the client may try again.
      response.setHeader("Retry-After", "1");
      response.sendError(429);
      return;
    }
    boolean handedOver = false;
    try {
      try {
        request.setAttribute(UPSTREAM_TOKEN, upstream.tokens(grantId).accessToken());
      } catch (OAuthException e) {
        refuse(response, e);
        return;
      }
      byte[] body;
      try {
        body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
      } catch (IOException e) {
        answerBrokenBody(response);
        return;
      }
      if (body.length > MAX_BODY_BYTES) {
        refuseTooLarge(request, response);
        return;
      }
      request.setAttribute(BODY, body);
      super.service(request, response);
      if (request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new LeaveWhenDone(grantId));
        handedOver = true;
      }
    } finally {
      if (!handedOver) {
        inFlight.leave(grantId);
      }
    }
  }

  /** Counts the grant's request out once its exchange with the client has ended, however it ended. */
  private final class LeaveWhenDone implements AsyncListener {
    private final String grantId;
    private final AtomicBoolean left = new AtomicBoolean();

    LeaveWhenDone(String grantId) {
      this.grantId = grantId;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      leave();
    }

    @Override
    public void onError(AsyncEvent event) {
      leave();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      leave();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }

    private void leave() {
      if (left.compareAndSet(false, true)) {
        inFlight.leave(grantId);
      }
    }
  }

  /**
   * Jetty's proxy servlet removes every protocol handler from its client, so that redirects and
   * challenges reach the proxy as they are; the handlers of interim responses (RFC 9110 §15.2: 102
   * Processing, 103 Early Hints) go back, or such a response was taken for the answer and the request
   * hung, its connection held.
   */
  @Override
  protected HttpClient createHttpClient() throws ServletException {
    HttpClient client = super.createHttpClient();
    client.getProtocolHandlers().put(new ProcessingProtocolHandler());
    client.getProtocolHandlers().put(new EarlyHintsProtocolHandler());
    return client;
  }

  /**
   * The MCP server's URL with the client's query; {@code null} (answered 400) for a query that is no
   * valid URI query (RFC 3986 §3.4), such as {@code a|b}, which the HTTP client could not send.
   */
  @Override
  protected String rewriteTarget(HttpServletRequest request) {
    String query = request.getQueryString();
    String rewritten = target + (query == null ? "" : "?" + query);
    try {
      new URI(rewritten);
      return rewritten;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  @Override
  protected void onProxyRewriteFailed(HttpServletRequest request, HttpServletResponse response) {
    sendProxyResponseError(request, response, HttpServletResponse.SC_BAD_REQUEST);
  }

  @Override
  protected Request.Content proxyRequestContent(HttpServletRequest request, HttpServletResponse response,
      Request proxyRequest) {
    return new BytesRequestContent(request.getContentType(), (byte[]) request.getAttribute(BODY));
  }

  /**
   * The client's headers, less the hop-by-hop ones (Jetty drops those), its credentials, cookies and
   * anything that claims to come from a proxy: only this proxy says where the request came from. A
   * name with an underscore is dropped too, as nginx does by default: CGI and WSGI servers read
   * {@code X_MCP_Auth_Subject} as {@code X-MCP-Auth-Subject} (RFC 3875 §4.1.18). {@code Expect} is
   * dropped because the whole body has been read: an MCP server that never sends 100 (Continue)
   * would leave the request waiting (RFC 9110 §10.1.1).
   */
  @Override
  protected void copyRequestHeaders(HttpServletRequest request, Request proxyRequest) {
    super.copyRequestHeaders(request, proxyRequest);
    proxyRequest.headers(headers -> {
      HttpFields.Mutable kept = HttpFields.build();
      for (HttpField field : headers) {
        String name = field.getLowerCaseName();
        boolean dropped = name.equals("authorization") || name.equals("cookie") || name.equals("forwarded")
            || name.equals("x-real-ip") || name.startsWith("x-forwarded-") || name.startsWith("x-mcp-auth-")
            || name.indexOf('_') >= 0 || name.equals("expect");
        if (!dropped) {
          kept.add(field);
        }
      }
      headers.clear().add(kept);
    });
  }

  @Override
  protected void addProxyHeaders(HttpServletRequest request, Request proxyRequest) {
    addViaHeader(request, proxyRequest);
    VerifiedToken verified = (VerifiedToken) request.getAttribute(BearerTokenFilter.VERIFIED_TOKEN);
    String client = request.getRemoteAddr();
    String host = request.getHeader("Host"); // the bearer filter's origin guard has checked it
    String proto = request.getScheme();
    proxyRequest.headers(headers -> {
      // What this proxy saw of the client's connection, in the standard header (RFC 7239 §4, §5)
      // and the customary ones.
      headers.put(HttpHeader.FORWARDED, "for=" + forwardedNode(client)
          + (host == null ? "" : ";host=" + quotedString(host)) + ";proto=" + proto);
      headers.put(HttpHeader.X_FORWARDED_FOR, client);
      if (host != null) {
        headers.put(HttpHeader.X_FORWARDED_HOST, host);
      }
      headers.put(HttpHeader.X_FORWARDED_PROTO, proto);
      headers.put("X-Real-IP", client);
      headers.put(HttpHeader.AUTHORIZATION, "Bearer " + request.getAttribute(UPSTREAM_TOKEN));
      headers.put(SCOPE_HEADER, String.join(" ", verified.scopes().stream().sorted().toList()));
      headers.put(SUBJECT_HEADER, verified.subject());
      if (verified.clientId() != null) {
        headers.put(CLIENT_ID_HEADER, verified.clientId());
      }
    });
  }

  @Override
  protected void sendProxyRequest(HttpServletRequest request, HttpServletResponse response, Request proxyRequest) {
    if (request.getAttribute(PROXY_REQUEST) == null) { // the first time, not when sent again after a refresh
      request.getAsyncContext().addListener(new AbortWhenTheClientLeaves(request));
    }
    request.setAttribute(PROXY_REQUEST, proxyRequest);
    super.sendProxyRequest(request, response, proxyRequest);
  }

  /**
   * The MCP server's response headers, less the hop-by-hop ones (RFC 9110 §7.6.1, those its {@code
   * Connection} names included) and those in {@link #DROPPED_RESPONSE_HEADERS} or CORS's; each
   * value as it was sent (Jetty re-joins them unquoted). They replace the container's own ({@code
   * Date}), except {@code Vary}, which adds to the bearer filter's {@code Vary: Origin}.
   */
  @Override
  protected void onServerResponseHeaders(HttpServletRequest request, HttpServletResponse response, Response serverResponse) {
    Set<String> connectionOptions = new HashSet<>();
    for (String option : serverResponse.getHeaders().getCSV(HttpHeader.CONNECTION, false)) {
      connectionOptions.add(option.toLowerCase(Locale.ROOT));
    }
    Set<String> copied = new HashSet<>();
    for (HttpField field : serverResponse.getHeaders()) {
      // Underscores read as dashes by some clients' stacks, as on the request side.
      String name = field.getLowerCaseName().replace('_', '-');
      if (HOP_HEADERS.contains(name) || connectionOptions.contains(name) || DROPPED_RESPONSE_HEADERS.contains(name)
          || name.startsWith("access-control-")) {
        continue;
      }
      if (copied.add(name) && !name.equals("vary")) {
        response.setHeader(field.getName(), field.getValue());
      } else {
        response.addHeader(field.getName(), field.getValue());
      }
    }
  }

  @Override
  protected Response.Listener newProxyResponseListener(HttpServletRequest request, HttpServletResponse response) {
    return new StreamingResponseListener(request, response);
  }

  /** Each chunk of the MCP server's body: written to the client and flushed, then the next is read. */
  @Override
  protected void onResponseContent(HttpServletRequest request, HttpServletResponse response, Response serverResponse,
      byte[] buffer, int offset, int length, Callback callback) {
    ((FlushingWriter) request.getAttribute(WRITER)).write(buffer, offset, length, callback);
  }

  @Override
  protected void onProxyResponseSuccess(HttpServletRequest request, HttpServletResponse response, Response serverResponse) {
    FlushingWriter writer = (FlushingWriter) request.getAttribute(WRITER);
    if (writer == null) {
      super.onProxyResponseSuccess(request, response, serverResponse);
      return;
    }
    // Complete once what is still being written is out.
    writer.write(NOTHING, 0, 0, Callback.from(() -> request.getAsyncContext().complete(),
        failure -> request.getAsyncContext().complete()));
  }

  /**
   * Passes the MCP server's response on as it arrives, except a 401: that one is dropped unread (its
   * connection aborted, so no body can hold it up) and answered by {@link #retryOrEnd}.
   */
  private final class StreamingResponseListener extends ProxyResponseListener {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private boolean refused;

    StreamingResponseListener(HttpServletRequest request, HttpServletResponse response) {
      super(request, response);
      this.request = request;
      this.response = response;
    }

    @Override
    public void onBegin(Response serverResponse) {
      refused = serverResponse.getStatus() == 401;
      if (!refused) {
        super.onBegin(serverResponse);
      }
    }

    @Override
    public void onHeaders(Response serverResponse) {
      if (refused) {
        serverResponse.abort(new IOException("401 from the MCP server: not passed on"));
        return;
      }
      super.onHeaders(serverResponse);
      try {
        ServletOutputStream output = response.getOutputStream();
        FlushingWriter writer = new FlushingWriter(output, serverResponse);
        request.setAttribute(WRITER, writer);
        output.setWriteListener(writer);
        String type = serverResponse.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
          // The head now: a stream may send nothing for a long time, and the client waits for it.
          writer.write(NOTHING, 0, 0, Callback.NOOP);
        }
      } catch (IOException | RuntimeException e) {
        serverResponse.abort(e);
      }
    }

    @Override
    public void onContent(Response serverResponse, Content.Chunk chunk, Runnable demander) {
      if (refused) {
        demander.run(); // Jetty releases the chunk when this returns (Response.AsyncContentListener)
      } else {
        super.onContent(serverResponse, chunk, demander);
      }
    }

    @Override
    public void onComplete(Result result) {
      if (!refused) {
        super.onComplete(result);
        return;
      }
      try {
        retryOrEnd(request, response);
      } catch (RuntimeException e) {
        THROTTLED.warn("Handling the MCP server's 401 failed", e);
        sendProxyResponseError(request, response, 502);
      }
    }
  }

  /**
   * After a 401 of the MCP server: the first time for this request, and within the grant's budget,
   * refreshes the upstream token and sends the request again; otherwise ends the grant.
   */
  private void retryOrEnd(HttpServletRequest request, HttpServletResponse response) {
    VerifiedToken verified = (VerifiedToken) request.getAttribute(BearerTokenFilter.VERIFIED_TOKEN);
    String grantId = verified.grantId();
    String refused = (String) request.getAttribute(UPSTREAM_TOKEN);
    try {
      if (request.getAttribute(RETRIED) != null || !withinBudget(grantId, refused)) {
        LOG.info("The MCP server refused the upstream token of grant {} again after a refresh: ending the grant", grantId);
        endGrant.accept(grantId);
        throw OAuthException.invalidToken("The MCP server refused the upstream sign-in; authorize again");
      }
      request.setAttribute(RETRIED, Boolean.TRUE);
      LOG.info("The MCP server refused the upstream token of grant {}: refreshing it and sending the request again",
          grantId);
      request.setAttribute(UPSTREAM_TOKEN, upstream.refreshed(grantId, refused).accessToken());
    } catch (OAuthException e) {
      try {
        refuse(response, e);
      } catch (IOException ignored) {
        // the client went away
      }
      request.getAsyncContext().complete();
      return;
    }
    Request again = newProxyRequest(request, rewriteTarget(request));
    copyRequestHeaders(request, again);
    addProxyHeaders(request, again);
    again.timeout(getTimeout(), TimeUnit.MILLISECONDS);
    if (hasContent(request)) {
      again.body(proxyRequestContent(request, response, again));
    }
    sendProxyRequest(request, response, again);
  }

  /**
   * Counts a refresh the MCP server's 401 to {@code refused} asks for: once per refused token (many
   * requests refused with the same token share one refresh, which {@link UpstreamSession} makes
   * single-flight), at most {@link #MAX_REFRESHES_PER_MINUTE} a minute per grant, in this process.
   */
  private boolean withinBudget(String grantId, String refused) {
    long now = System.nanoTime();
    if (refreshBudgets.size() > 10_000) {
      refreshBudgets.values().removeIf(budget -> budget.expired(now));
    }
    return refreshBudgets.compute(grantId, (id, budget) -> budget == null || budget.expired(now)
        ? new RefreshBudget(now, 1, refused) : budget.spend(refused)).used() <= MAX_REFRESHES_PER_MINUTE;
  }

  /** Refreshes of one grant since {@code since} (nanoTime), the last for {@code lastRefused}. */
  private record RefreshBudget(long since, int used, String lastRefused) {
    boolean expired(long now) {
      return now - since > TimeUnit.MINUTES.toNanos(1);
    }

    RefreshBudget spend(String refused) {
      return refused.equals(lastRefused) ? this : new RefreshBudget(since, used + 1, refused);
    }
  }

  /**
   * Writes and flushes chunk after chunk to the client with servlet non-blocking I/O: a chunk's
   * callback (which asks the MCP server's connection for the next one) runs once it is flushed.
   * Zero-length chunks flush what came before (the head). Each write and flush waits for {@code
   * isReady()}: when it says no, the container calls {@link #onWritePossible} once the pending write
   * is done (and may call it besides, which is harmless). Thread-safe: Jetty's client thread adds
   * chunks, the container's thread calls {@link #onWritePossible}.
   */
  private static final class FlushingWriter implements WriteListener {
    private final ServletOutputStream output;
    private final Response serverResponse;
    /** Guarded by this. */
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    /** Guarded by this. */
    private Throwable failure;

    FlushingWriter(ServletOutputStream output, Response serverResponse) {
      this.output = output;
      this.serverResponse = serverResponse;
    }

    void write(byte[] buffer, int offset, int length, Callback callback) {
      Throwable failed;
      synchronized (this) {
        failed = failure;
        if (failed == null) {
          chunks.add(new Chunk(buffer, offset, length, callback));
        }
      }
      if (failed != null) {
        callback.failed(failed);
        return;
      }
      drain();
    }

    @Override
    public void onWritePossible() {
      drain();
    }

    @Override
    public void onError(Throwable t) {
      fail(t); // the client went away: stop reading from the MCP server
    }

    private void drain() {
      while (true) {
        Chunk done = null;
        Throwable failed = null;
        synchronized (this) {
          if (failure != null || chunks.isEmpty()) {
            return;
          }
          Chunk chunk = chunks.peek();
          try {
            if (!output.isReady()) {
              return; // a write is pending: onWritePossible follows
            }
            if (!chunk.written) {
              chunk.written = true;
              if (chunk.length > 0) {
                output.write(chunk.buffer, chunk.offset, chunk.length);
              }
            } else if (!chunk.flushed) {
              chunk.flushed = true;
              output.flush(); // no aggregation in the response buffer: each event now
            } else {
              done = chunks.poll();
            }
          } catch (IOException | RuntimeException e) {
            failed = e;
          }
        }
        if (failed != null) {
          fail(failed);
          return;
        }
        if (done != null) {
          done.callback.succeeded(); // may add the next chunk on this thread: the loop writes it
        }
      }
    }

    private void fail(Throwable t) {
      ArrayDeque<Chunk> failed;
      synchronized (this) {
        if (failure != null) {
          return;
        }
        failure = t;
        failed = new ArrayDeque<>(chunks);
        chunks.clear();
      }
      failed.forEach(chunk -> chunk.callback.failed(t));
      serverResponse.abort(t);
    }

    private static final class Chunk {
      final byte[] buffer;
      final int offset;
      final int length;
      final Callback callback;
      boolean written;
      boolean flushed;

      Chunk(byte[] buffer, int offset, int length, Callback callback) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.callback = callback;
      }
    }
  }

  /**
   * Aborts the request to the MCP server when the client's connection fails or times out while the
   * answer is still coming (an idle GET stream writes nothing that could fail).
   */
  private static final class AbortWhenTheClientLeaves implements AsyncListener {
    private final HttpServletRequest request;

    AbortWhenTheClientLeaves(HttpServletRequest request) {
      this.request = request;
    }

    @Override
    public void onError(AsyncEvent event) {
      abort(event.getThrowable());
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      abort(new IOException("the client's request timed out"));
    }

    @Override
    public void onComplete(AsyncEvent event) {
      // done: the request to the MCP server has completed, or was aborted
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }

    private void abort(Throwable cause) {
      Request proxyRequest = (Request) request.getAttribute(PROXY_REQUEST);
      if (proxyRequest != null) {
        proxyRequest.abort(cause != null ? cause : new IOException("the client went away"));
      }
    }
  }

  /** A {@code for} node of RFC 7239 §6: an IPv6 address in brackets and quotes. */
  private static String forwardedNode(String address) {
    String bare = address.startsWith("[") ? address.substring(1, address.length() - 1) : address;
    return bare.contains(":") ? "\"[" + bare + "]\"" : bare;
  }

  /** A quoted-string (RFC 9110 §5.6.4). */
  private static String quotedString(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * 413 that a client still sending its body can read, as the library's endpoints answer it: the
   * connection closes after it (RFC 9112 §9.6), and up to {@link #MAX_BODY_BYTES} more of the body is
   * read and dropped first (for 10 s at most), since closing with unread input resets the connection,
   * which can destroy the answer before the client reads it (RFC 9112 §9.6).
   */
  /**
   * The client stopped sending its body (Jetty's idle timeout) or broke off: 408 while it can still
   * be told, never Jetty's exception text. A grant holds at most {@code MAX_REQUESTS_PER_GRANT} such requests.
   */
  private static void answerBrokenBody(HttpServletResponse response) {
    if (!response.isCommitted()) {
      try {
        response.setStatus(408);
        response.setHeader("Connection", "close");
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write("The request body did not arrive in time\n");
      } catch (IOException | RuntimeException gone) {
        // the client has gone
      }
    }
  }

  private static void refuseTooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setStatus(413);
    response.setHeader("Connection", "close");
    response.setContentType("text/plain;charset=UTF-8");
    response.getWriter().write("The request body is too large\n");
    response.flushBuffer();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    byte[] buffer = new byte[8192];
    long discarded = 0;
    try {
      int read;
      while (discarded < MAX_BODY_BYTES && System.nanoTime() < deadline && (read = request.getInputStream().read(buffer)) != -1) {
        discarded += read;
      }
    } catch (IOException gone) {
      // the client stopped sending
    }
  }

  /**
   * The upstream sign-in has ended (401 with the same challenge as the bearer filter's, so the client
   * authorizes again) or cannot be used right now (503 with {@code Retry-After}).
   */
  private void refuse(HttpServletResponse response, OAuthException e) throws IOException {
    LOG.info("The upstream sign-in cannot be used: {} ({})", e.description(), e.internalDetail());
    EndpointResponse refusal = McpGuard.refusal(resourceMetadataUrl, Set.of(), e);
    response.setStatus(refusal.status());
    refusal.headers().forEach(response::setHeader);
    byte[] body = refusal.body().getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

}
