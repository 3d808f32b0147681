package dev.mcpauth.servlet;

import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.internal.Uris;
import dev.mcpauth.ratelimit.LimitedAction;
import dev.mcpauth.ratelimit.SourceAddresses;
import dev.mcpauth.ratelimit.TooManyRequests;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the authorization server: the OAuth endpoints, the login and consent pages, and the
 * discovery documents, at the paths {@link #paths()} lists. It translates between the servlet API
 * and core; every OAuth decision is core's. Map it at each of {@link #paths()} in a context at the
 * root, or let {@link McpAuthServlets#install} do it. Thread-safe.
 */
public final class AuthorizationServerServlet extends HttpServlet {
  /** No OAuth request comes close; bigger bodies are refused before parsing (413). */
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizationServerServlet.class);

  private final transient AuthorizationServer server;
  private final transient InteractionHandler pages;
  private final transient Routes routes;
  private final transient SourceAddresses sourceAddresses;
  private final transient BodyReader bodies;
  /** The issuer's origin ({@code scheme://host[:port]}, RFC 6454), as a browser writes it in {@code Origin}. */
  private final String issuerOrigin;

  /** Rate limits count by the connection's address: behind a proxy, use the other constructor. */
  public AuthorizationServerServlet(AuthorizationServer server, InteractionHandler pages) {
    this(server, pages, SourceAddresses.direct());
  }

  /** @param sourceAddresses which proxies' forwarding headers name the source address */
  public AuthorizationServerServlet(AuthorizationServer server, InteractionHandler pages,
      SourceAddresses sourceAddresses) {
    this(server, pages, sourceAddresses, McpAuthServlets.DEFAULT_BODY_READ_TIMEOUT);
  }

  /**
   * @param bodyReadTimeout how long a request's body may take to arrive before it is answered 408;
   *     register the servlet with async support, so that no request thread waits for it meanwhile
   */
  public AuthorizationServerServlet(AuthorizationServer server, InteractionHandler pages,
      SourceAddresses sourceAddresses, Duration bodyReadTimeout) {
    this.bodies = new BodyReader(MAX_BODY_BYTES, bodyReadTimeout);
    this.server = Objects.requireNonNull(server, "server");
    this.pages = Objects.requireNonNull(pages, "pages");
    this.routes = new Routes(server);
    this.issuerOrigin = Uris.origin(java.net.URI.create(server.issuer()));
    this.sourceAddresses = Objects.requireNonNull(sourceAddresses, "sourceAddresses");
  }

  /** The host-relative paths this servlet answers on. */
  public Set<String> paths() {
    return routes.all().keySet();
  }

  @Override
  public void destroy() {
    bodies.close();
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    ServletIo.noSniff(response);
    String path = request.getRequestURI().substring(request.getContextPath().length());
    Routes.Route route = routes.find(path).orElse(null);
    if (route == null) {
      ServletIo.writeJsonError(response, 404, "invalid_request", "Not found");
      return;
    }
    if (overLimit(request, response, route.kind())) {
      return;
    }
    switch (route.kind()) {
      case AUTHORIZE, CONSENT, LOGOUT, UPSTREAM_CALLBACK -> page(request, response, route.kind());
      case TOKEN -> post(request, response, server.tokenEndpoint()::handle);
      case REGISTER -> post(request, response, server.registrationEndpoint()::handle);
      case REVOKE -> post(request, response, server.revocationEndpoint()::handle);
      case INTROSPECT -> post(request, response, server.introspectionEndpoint()::handle);
      case JWKS -> Documents.serve(request, response, server.jwks());
      case AS_METADATA -> Documents.serve(request, response, server.metadata().authorizationServer());
      case OPENID_METADATA -> Documents.serve(request, response, server.metadata().openidConfiguration());
      case RESOURCE_METADATA -> Documents.serve(request, response, server.metadata().protectedResource(route.resource()));
    }
  }

  /**
   * Counts the request against its endpoint's per-address limit and answers 429 when it is over:
   * before the body is read, so a flood costs no parsing. Preflights and documents are not counted.
   */
  private boolean overLimit(HttpServletRequest request, HttpServletResponse response, Routes.Kind kind)
      throws IOException {
    LimitedAction action = switch (kind) {
      case REGISTER -> LimitedAction.REGISTRATION;
      case TOKEN -> LimitedAction.TOKEN;
      case AUTHORIZE -> LimitedAction.AUTHORIZATION;
      case REVOKE, INTROSPECT -> LimitedAction.INTROSPECTION_AND_REVOCATION;
      default -> null;
    };
    if (action == null || Cors.isPreflight(request)) {
      return false;
    }
    Optional<Duration> wait = server.rateLimiter().tryAcquire(action, sourceAddress(request, sourceAddresses));
    if (wait.isEmpty()) {
      return false;
    }
    if (kind == Routes.Kind.AUTHORIZE) {
      response.setHeader("Retry-After", Long.toString(wait.get().toSeconds()));
      Pages.error(response, 429, "Too many requests from your address. Try again in " + wait.get().toSeconds()
          + " seconds.");
    } else {
      Cors.allowAnyOrigin(response);
      ServletIo.write(TooManyRequests.response(wait.get()), response);
    }
    return true;
  }

  /** The request's source address, by the connection or the trusted proxies' header. */
  static String sourceAddress(HttpServletRequest request, SourceAddresses sourceAddresses) {
    String header = sourceAddresses.header() == SourceAddresses.Header.FORWARDED ? "Forwarded" : "X-Forwarded-For";
    List<String> values = Collections.list(request.getHeaders(header));
    return sourceAddresses.resolve(request.getRemoteAddr(), values);
  }

  private void page(HttpServletRequest request, HttpServletResponse response, Routes.Kind kind) throws IOException {
    switch (kind) {
      case AUTHORIZE -> authorize(request, response);
      case CONSENT -> consent(request, response);
      case LOGOUT -> logout(request, response);
      default -> showing(request, response, () -> upstreamCallback(request, response));
    }
  }

  /** Runs a page's step: a store that fails while a page is shown or submitted gives an error page, never a 500. */
  private void showing(HttpServletRequest request, HttpServletResponse response, ServletIo.Answer step)
      throws IOException {
    try {
      step.write();
    } catch (OAuthException e) {
      if (response.isCommitted()) {
        throw e;
      }
      response.reset();
      ServletIo.noSniff(response);
      if (e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE) {
        response.setHeader("Retry-After", "5");
      }
      pages.showError(e, context(request, response));
    }
  }

  private void authorize(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (request.getMethod().equals("GET")) {
      showing(request, response, () -> authorize(request, response, null));
      return;
    }
    if (!request.getMethod().equals("POST")) {
      response.setHeader("Allow", "GET, POST");
      Pages.error(response, 405, "Use GET.");
      return;
    }
    if (!FORM.equals(mediaType(request))) {
      Pages.error(response, 415, "An authorization request sent by POST must be a form.");
      return;
    }
    bodies.read(request, response, body -> showing(request, response, () -> authorize(request, response, body)),
        (status, message) -> refusePage(response, status, message));
  }

  private void authorize(HttpServletRequest request, HttpServletResponse response, byte[] body) throws IOException {
    InteractionContext context = context(request, response);
    AuthorizationStep step = server.authorizationEndpoint().start(ServletIo.toEndpointRequest(request, body));
    if (step instanceof AuthorizationStep.Redirect redirect) {
      ServletIo.write(redirect.toResponse(), response);
    } else if (step instanceof AuthorizationStep.ErrorPage page) {
      pages.showError(page.error(), context);
    } else if (step instanceof AuthorizationStep.Interaction interaction) {
      pages.show(interaction.handle(), interaction.request(), context);
    }
  }

  /** The upstream provider sends the browser back here; core checks the binding and finishes. */
  private void upstreamCallback(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!request.getMethod().equals("GET")) {
      response.setHeader("Allow", "GET");
      Pages.error(response, 405, "Use GET.");
      return;
    }
    String cookieName = ConsentPage.upstreamCookie(request.isSecure());
    String binding = CookieHeader.single(request, cookieName); // two: one was planted; trust neither
    // The raw query: core refuses a repeated parameter, which a parameter map would hide.
    AuthorizationStep step = server.upstreamLogin().orElseThrow().finish(request.getQueryString(), binding);
    Cookie spent = new Cookie(cookieName, "");
    spent.setPath("/");
    spent.setMaxAge(0);
    spent.setHttpOnly(true);
    spent.setSecure(request.isSecure());
    response.addCookie(spent);
    if (step instanceof AuthorizationStep.Redirect redirect) {
      ServletIo.write(redirect.toResponse(), response);
    } else if (step instanceof AuthorizationStep.ErrorPage page) {
      if (page.error().internalDetail() != null) {
        LOG.info("Upstream sign-in failed: {} ({})", page.error().description(), page.error().internalDetail());
      }
      pages.showError(page.error(), context(request, response));
    } else {
      throw new IllegalStateException("an upstream callback cannot need another interaction");
    }
  }

  private void consent(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!request.getMethod().equals("POST")) {
      response.setHeader("Allow", "POST");
      Pages.error(response, 405, "Use the form.");
      return;
    }
    if (!FORM.equals(mediaType(request))) {
      Pages.error(response, 415, "Use the form.");
      return;
    }
    if (!sentFromThisOrigin(request)) {
      Pages.error(response, 403, "This form was sent from another site.");
      return;
    }
    bodies.read(request, response, body -> {
      FormBodyRequest form;
      try {
        form = FormBodyRequest.of(request, body);
      } catch (IllegalArgumentException e) {
        Pages.error(response, 400, "The form could not be read.");
        return;
      }
      showing(form, response, () -> pages.submit(context(form, response)));
    }, (status, message) -> refusePage(response, status, message));
  }

  /**
   * Sign-out: GET shows a button, POST ends the browser's login session and clears its cookie. A
   * cross-site POST carries no {@code SameSite=Lax} cookie, so it can sign no one out.
   */
  private void logout(HttpServletRequest request, HttpServletResponse response) throws IOException {
    response.setHeader("Cache-Control", "no-store");
    if (request.getMethod().equals("GET")) {
      Pages.write(response, 200, "Sign out", "<h1>Sign out</h1><p>Sign this browser out of " + Pages.escape(server.issuer())
          + "? You will be asked for your password at the next authorization.</p><form method=\"post\" action=\""
          + Pages.escape(request.getContextPath() + routes.logoutPath()) + "\"><div class=\"buttons\">"
          + "<button type=\"submit\" class=\"primary\">Sign out</button></div></form>");
      return;
    }
    if (!request.getMethod().equals("POST")) {
      response.setHeader("Allow", "GET, POST");
      Pages.error(response, 405, "Use the form.");
      return;
    }
    if (!sentFromThisOrigin(request)) {
      Pages.error(response, 403, "This form was sent from another site.");
      return;
    }
    bodies.read(request, response, body -> showing(request, response, () -> {
      server.loginSessions().ifPresent(sessions -> LoginCookie.readAll(request).forEach(sessions::end));
      LoginCookie.clear(request, response);
      Pages.write(response, 200, "Signed out", "<h1>Signed out</h1><p>This browser is signed out.</p>");
    }), (status, message) -> refusePage(response, status, message));
  }

  /**
   * Whether a page's POST came from this server's own pages, as far as the browser tells: {@code
   * Sec-Fetch-Site} is {@code same-origin} or {@code none} when sent, and {@code Origin}, when sent,
   * is the issuer's origin (or {@code null} with {@code Sec-Fetch-Site: same-origin}). Cookies alone cannot tell: on http, a page of the same site (another port
   * of localhost, a sibling host) shares them and can plant them. A request that carries neither
   * header comes from no browser, and a form token bound to the browser is still required.
   */
  private boolean sentFromThisOrigin(HttpServletRequest request) {
    if (Collections.list(request.getHeaders("Sec-Fetch-Site")).size() > 1
        || Collections.list(request.getHeaders("Origin")).size() > 1) {
      return false; // no browser sends either twice
    }
    String fetchSite = request.getHeader("Sec-Fetch-Site");
    if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
      return false;
    }
    String origin = request.getHeader("Origin");
    if (origin == null || origin.equals(issuerOrigin)) {
      return true;
    }
    // "null": what a browser sends for a POST from a page with Referrer-Policy: no-referrer, as these
    // pages have (Fetch, "serializing a request origin"); ours only when the browser vouches for it.
    return origin.equals("null") && "same-origin".equals(fetchSite);
  }

  /** A page's body refused by the {@link BodyReader}: its status, with a message for a person. */
  private static void refusePage(HttpServletResponse response, int status, String message) throws IOException {
    Pages.error(response, status, switch (status) {
      case 413 -> "The request is too large.";
      case 408 -> "The form took too long to arrive. Go back and send it again.";
      default -> "The form could not be read. Go back and send it again.";
    });
  }

  private InteractionContext context(HttpServletRequest request, HttpServletResponse response) {
    return new InteractionContext(request, response, request.getContextPath() + routes.consentPath(),
        server.authorizationEndpoint(), pages, sourceAddress(request, sourceAddresses), server.loginThrottle(),
        server.loginSessions().orElse(null), request.getContextPath() + routes.logoutPath());
  }

  /** A body-carrying endpoint that browser clients may call cross-origin. */
  private void post(HttpServletRequest request, HttpServletResponse response,
      java.util.function.Function<EndpointRequest, EndpointResponse> endpoint) throws IOException {
    if (Cors.isPreflight(request)) {
      Cors.answerPreflight(response, "POST, OPTIONS");
      return;
    }
    Cors.allowAnyOrigin(response);
    if (!request.getMethod().equals("POST")) { // core answers 405 with the right Allow
      ServletIo.write(endpoint.apply(ServletIo.toEndpointRequest(request, null)), response);
      return;
    }
    bodies.read(request, response,
        body -> ServletIo.write(endpoint.apply(ServletIo.toEndpointRequest(request, body)), response),
        (status, message) -> ServletIo.writeJsonError(response, status, "invalid_request", message));
  }

  /** From the raw header: the container's parsed content type throws on a malformed charset. */
  private static String mediaType(HttpServletRequest request) {
    String type = request.getHeader("Content-Type");
    return type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
  }
}
