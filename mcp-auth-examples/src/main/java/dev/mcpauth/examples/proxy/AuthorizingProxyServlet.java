package dev.mcpauth.examples.proxy;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.servlet.BearerTokenFilter;
import dev.mcpauth.token.VerifiedToken;
import dev.mcpauth.upstream.UpstreamSession;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;

/**
 * Forwards the MCP endpoint to the MCP server behind the proxy with Jetty's proxy servlet (POST,
 * GET and DELETE; SSE streamed through as it arrives; {@code Mcp-Session-Id}, {@code Last-Event-ID}
 * and the other headers kept). The bearer filter has verified the client's token before this runs;
 * the token is then replaced: the MCP server gets the user's upstream access token as {@code
 * Authorization: Bearer}, and the local grant's scope, client id and subject in {@code X-MCP-Auth-*}
 * headers. The client's token never leaves this process. When the MCP server answers 401 (the
 * upstream token was refused), the upstream token is refreshed once and the request sent again.
 */
final class AuthorizingProxyServlet extends ProxyServlet {
  static final String SCOPE_HEADER = "X-MCP-Auth-Scope";
  static final String CLIENT_ID_HEADER = "X-MCP-Auth-Client-Id";
  static final String SUBJECT_HEADER = "X-MCP-Auth-Subject";
  private static final String BODY = "dev.mcpauth.proxy.body";
  private static final String UPSTREAM_TOKEN = "dev.mcpauth.proxy.upstreamToken";
  private static final String RETRIED = "dev.mcpauth.proxy.retried";
  /** MCP messages are small; the body is kept to send it again after a refresh. */
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuthorizingProxyServlet.class);

  private final transient URI target;
  private final transient UpstreamSession upstream;
  private final String resourceMetadataUrl;

  AuthorizingProxyServlet(URI target, UpstreamSession upstream, String resourceMetadataUrl) {
    this.target = target;
    this.upstream = upstream;
    this.resourceMetadataUrl = resourceMetadataUrl;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
    VerifiedToken verified = (VerifiedToken) request.getAttribute(BearerTokenFilter.VERIFIED_TOKEN);
    if (verified == null) {
      response.sendError(401); // the bearer filter must guard this servlet
      return;
    }
    try {
      request.setAttribute(UPSTREAM_TOKEN, upstream.tokens(verified.grantId()).accessToken());
    } catch (OAuthException e) {
      refuse(response, e);
      return;
    }
    byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      refuseTooLarge(request, response);
      return;
    }
    request.setAttribute(BODY, body);
    super.service(request, response);
  }

  @Override
  protected String rewriteTarget(HttpServletRequest request) {
    String query = request.getQueryString();
    return target + (query == null ? "" : "?" + query);
  }

  @Override
  protected Request.Content proxyRequestContent(HttpServletRequest request, HttpServletResponse response,
      Request proxyRequest) {
    return new BytesRequestContent(request.getContentType(), (byte[]) request.getAttribute(BODY));
  }

  @Override
  protected void addProxyHeaders(HttpServletRequest request, Request proxyRequest) {
    super.addProxyHeaders(request, proxyRequest);
    VerifiedToken verified = (VerifiedToken) request.getAttribute(BearerTokenFilter.VERIFIED_TOKEN);
    proxyRequest.headers(headers -> {
      headers.remove(HttpHeader.AUTHORIZATION); // no token passthrough
      headers.put(HttpHeader.AUTHORIZATION, "Bearer " + request.getAttribute(UPSTREAM_TOKEN));
      headers.put(SCOPE_HEADER, String.join(" ", verified.scopes().stream().sorted().toList()));
      headers.put(SUBJECT_HEADER, verified.subject());
      if (verified.clientId() != null) {
        headers.put(CLIENT_ID_HEADER, verified.clientId());
      }
    });
  }

  @Override
  protected Response.Listener newProxyResponseListener(HttpServletRequest request, HttpServletResponse response) {
    return new RetryOnUnauthorized(request, response);
  }

  /** Holds back a first 401 of the MCP server, refreshes the upstream token, and sends the request again. */
  private final class RetryOnUnauthorized extends ProxyResponseListener {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private boolean holdingBack;

    RetryOnUnauthorized(HttpServletRequest request, HttpServletResponse response) {
      super(request, response);
      this.request = request;
      this.response = response;
    }

    @Override
    public void onBegin(Response serverResponse) {
      holdingBack = serverResponse.getStatus() == 401 && request.getAttribute(RETRIED) == null;
      if (!holdingBack) {
        super.onBegin(serverResponse);
      }
    }

    @Override
    public void onHeaders(Response serverResponse) {
      if (!holdingBack) {
        super.onHeaders(serverResponse);
      }
    }

    @Override
    public void onContent(Response serverResponse, Content.Chunk chunk, Runnable demander) {
      if (holdingBack) {
        chunk.release();
        demander.run();
      } else {
        super.onContent(serverResponse, chunk, demander);
      }
    }

    @Override
    public void onComplete(Result result) {
      if (!holdingBack) {
        super.onComplete(result);
        return;
      }
      request.setAttribute(RETRIED, Boolean.TRUE);
      VerifiedToken verified = (VerifiedToken) request.getAttribute(BearerTokenFilter.VERIFIED_TOKEN);
      LOG.info("The MCP server refused the upstream token of grant {}: refreshing it and sending the request again",
          verified.grantId());
      try {
        String refused = (String) request.getAttribute(UPSTREAM_TOKEN);
        request.setAttribute(UPSTREAM_TOKEN, upstream.refreshed(verified.grantId(), refused).accessToken());
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
      again.body(proxyRequestContent(request, response, again));
      sendProxyRequest(request, response, again);
    }
  }

  /**
   * 413 that a client still sending its body can read, as the library's endpoints answer it: the
   * connection closes after it (RFC 9112 §9.6), and up to {@link #MAX_BODY_BYTES} more of the body is
   * read and dropped first (for 10 s at most), since closing with unread input resets the connection,
   * which can destroy the answer before the client reads it (RFC 9112 §9.6).
   */
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
    if (e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE) {
      response.setHeader("Retry-After", "5");
      response.sendError(503);
    } else {
      response.setHeader("WWW-Authenticate", "Bearer resource_metadata=\"" + resourceMetadataUrl
          + "\", error=\"invalid_token\", error_description=\"" + e.description().replace('"', '\'') + "\"");
      response.sendError(401);
    }
  }
}
