package dev.mcpauth.servlet;

import dev.mcpauth.authorization.ConsentRequest;
import dev.mcpauth.authorization.Decision;
import dev.mcpauth.authorization.LoginSessions;
import dev.mcpauth.upstream.UpstreamLogin;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The default login and consent page: one small server-rendered form that names the client, shows
 * where the user will be sent (with a warning when that is only this machine), lists the requested
 * scopes, and, when users are configured, asks for a user name and password. Deny needs no login.
 * Thread-safe.
 */
public final class ConsentPage implements InteractionHandler {
  static final String HANDLE = "handle";
  static final String FORM_TOKEN = "form_token";
  static final String DECISION = "decision";
  static final String USERNAME = "username";
  static final String PASSWORD = "password";
  static final String REMEMBER = "remember";

  /** The cookie that binds an upstream sign-in to the browser that started it; {@code __Host-} on https. */
  static String upstreamCookie(boolean secure) {
    return secure ? "__Host-mcp-auth-upstream" : "mcp-auth-upstream";
  }

  private final UserAuthenticator users;
  private final String singleSubject;
  private final UpstreamLogin upstream;
  private final BrowserBinding binding = new BrowserBinding();

  private ConsentPage(UserAuthenticator users, String singleSubject, UpstreamLogin upstream) {
    this.users = users;
    this.singleSubject = singleSubject;
    this.upstream = upstream;
  }

  /**
   * Users consent to the client here, then sign in at the upstream identity provider (the
   * federated login of {@code AuthorizationServer.Builder.upstream}); consent comes first, per
   * client, so that no client can ride on the user's session at the provider (confused deputy).
   */
  public static ConsentPage withUpstreamLogin(UpstreamLogin upstream) {
    return new ConsentPage(null, null, Objects.requireNonNull(upstream, "upstream"));
  }

  /** Users log in with a name and password checked by {@code users}, then consent. */
  public static ConsentPage withLogin(UserAuthenticator users) {
    return new ConsentPage(Objects.requireNonNull(users, "users"), null, null);
  }

  /**
   * No login: whoever reaches the page consents as {@code subject}. For demos and single-user
   * machines only; anyone who can reach the page is that user.
   */
  public static ConsentPage singleUserWithoutLogin(String subject) {
    return new ConsentPage(null, Objects.requireNonNull(subject, "subject"), null);
  }

  @Override
  public void show(String handle, ConsentRequest request, InteractionContext context) throws IOException {
    Optional<LoginSessions.Session> session = signedIn(request, context);
    if (session.isPresent() && context.remembersConsent(session.get(), request)) {
      // The user approved exactly this client, redirect URI, resource and scopes before, in this
      // browser, and asked for that to be remembered: no page at all.
      context.complete(handle, Decision.approve(session.get().subject(), request.scopes()));
      return;
    }
    render(handle, request, context, 200, null, "", session);
  }

  /**
   * The browser's login session, when it may stand in for the password: login by password is on, the
   * client did not ask for a fresh login ({@code prompt=login}), and the user still exists.
   */
  private Optional<LoginSessions.Session> signedIn(ConsentRequest request, InteractionContext context) {
    if (users == null || request.loginPrompted()) {
      return Optional.empty();
    }
    return context.loginSession().filter(session -> users.knows(session.subject()));
  }

  @Override
  public void submit(InteractionContext context) throws IOException {
    HttpServletRequest request = context.request();
    Optional<String> handle = single(request, HANDLE);
    Optional<String> token = single(request, FORM_TOKEN);
    Optional<String> decision = single(request, DECISION);
    if (handle.isEmpty() || token.isEmpty() || decision.isEmpty()) {
      Pages.error(context.response(), 400, "The form is incomplete.");
      return;
    }
    if (!binding.verify(request, handle.get(), token.get())) {
      Pages.error(context.response(), 403, "This form did not come from this browser, or has expired.");
      return;
    }
    Optional<ConsentRequest> pending = context.pending(handle.get());
    if (pending.isEmpty()) {
      Pages.error(context.response(), 400, "This authorization request has expired or was already completed.");
      return;
    }
    switch (decision.get()) {
      case "deny" -> context.complete(handle.get(), Decision.deny());
      case "approve" -> {
        if (upstream != null) {
          goUpstream(handle.get(), context);
          return;
        }
        if (users == null) {
          context.complete(handle.get(), Decision.approve(singleSubject, pending.get().scopes()));
          return;
        }
        // Any user name or password field, even repeated, means a login by password: never fall back to
        // the browser's session for a form that names someone.
        boolean typed = request.getParameterValues(USERNAME) != null || request.getParameterValues(PASSWORD) != null;
        Optional<LoginSessions.Session> session;
        String subject;
        if (!typed) {
          session = signedIn(pending.get(), context);
          if (session.isEmpty()) { // the form had no password fields, but the sign-in has ended since
            render(handle.get(), pending.get(), context, 200, "Your sign-in has ended. Enter your password.", "",
                Optional.empty());
            return;
          }
          subject = session.get().subject();
        } else {
          String username = single(request, USERNAME).orElse("");
          // Counted before the password is checked, by name whether or not the user exists: a refused
          // attempt looks and takes the same for every name.
          Optional<Duration> wait = context.loginThrottle().tryAttempt(username, context.sourceAddress());
          if (wait.isPresent()) {
            context.response().setHeader("Retry-After", Long.toString(wait.get().toSeconds()));
            render(handle.get(), pending.get(), context, 429, "Too many failed logins. Try again in "
                + wait.get().toSeconds() + " seconds.", username, Optional.empty());
            return;
          }
          Optional<String> checked = users.authenticate(username, single(request, PASSWORD).orElse(""));
          if (checked.isEmpty()) {
            render(handle.get(), pending.get(), context, 200, "Wrong user name or password.", username, Optional.empty());
            return;
          }
          context.loginThrottle().succeeded(username, context.sourceAddress());
          subject = checked.get();
          session = users.knows(subject) ? context.startLoginSession(subject) : Optional.empty();
        }
        if (session.isPresent() && single(request, REMEMBER).filter("yes"::equals).isPresent()) {
          context.rememberConsent(session.get(), pending.get());
        }
        context.complete(handle.get(), Decision.approve(subject, pending.get().scopes()));
      }
      default -> Pages.error(context.response(), 400, "Unknown decision.");
    }
  }

  /** Consented here: off to the provider, with the sealed binding in a cookie for the callback. */
  private void goUpstream(String handle, InteractionContext context) throws IOException {
    UpstreamLogin.Begun begun = upstream.begin(handle);
    boolean secure = context.secure();
    Cookie cookie = new Cookie(upstreamCookie(secure), begun.binding());
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSecure(secure);
    cookie.setMaxAge(600);
    cookie.setAttribute("SameSite", "Lax"); // sent on the provider's top-level redirect back
    context.response().addCookie(cookie);
    context.response().setHeader("Cache-Control", "no-store");
    context.response().sendRedirect(begun.authorizationUrl().toString());
  }

  private void render(String handle, ConsentRequest request, InteractionContext context, int status, String error,
      String username, Optional<LoginSessions.Session> session) throws IOException {
    String browserKey = binding.browserKey(context.request(), context.response());
    String name = Pages.escape(request.clientName());
    StringBuilder html = new StringBuilder();
    if (isHttps(request.logoUri())) {
      html.append("<img class=\"logo\" src=\"").append(Pages.escape(request.logoUri()))
          .append("\" alt=\"\" width=\"48\" height=\"48\" referrerpolicy=\"no-referrer\">");
    }
    html.append("<h1>Authorize ").append(name).append("</h1>");
    if (request.metadataDocumentHost() != null) {
      // The name, link and logo are what the document says; only the host serving it is verified.
      html.append("<p class=\"small\">Name").append(request.clientUri() != null ? ", home page" : "")
          .append(request.logoUri() != null ? " and logo" : "").append(" as claimed by its metadata, published at ")
          .append("<span class=\"host\">").append(Pages.escape(request.metadataDocumentHost())).append("</span>.</p>");
    }
    if (isHttps(request.clientUri())) {
      html.append("<p class=\"small\">Home page: <a href=\"").append(Pages.escape(request.clientUri()))
          .append("\" rel=\"noopener noreferrer\" target=\"_blank\">").append(Pages.escape(request.clientUri()))
          .append("</a></p>");
    }
    html.append("<p><strong>").append(name).append("</strong> wants to use <code>")
        .append(Pages.escape(request.resource())).append("</code> on your behalf.</p>");
    String target = Pages.escape(request.redirectTarget());
    if (request.appRedirect()) {
      html.append("<p>If you approve, you will be sent to the application on this device that opens <span class=\"host\">")
          .append(target).append("</span> links.</p>")
          .append("<p class=\"warn\">Any application on this device can claim <span class=\"host\">").append(target)
          .append("</span> links. Approve only if you started ").append(name).append(" yourself just now.</p>");
    } else {
      html.append("<p>If you approve, you will be sent to <span class=\"host\">").append(target).append("</span>.</p>");
    }
    if (request.loopbackRedirect()) {
      html.append("<p class=\"warn\">This application receives the answer on your own computer (")
          .append(target).append("). Approve only if you started it yourself just now.</p>");
    }
    if (!request.scopes().isEmpty()) {
      html.append("<p>It asks for:</p><ul>");
      request.scopes().stream().sorted()
          .forEach(scope -> html.append("<li><code>").append(Pages.escape(scope)).append("</code></li>"));
      html.append("</ul>");
    }
    if (error != null) {
      html.append("<p class=\"error\" role=\"alert\">").append(Pages.escape(error)).append("</p>");
    }
    html.append("<form method=\"post\" action=\"").append(Pages.escape(context.formAction())).append("\">");
    hidden(html, HANDLE, handle);
    hidden(html, FORM_TOKEN, binding.formToken(browserKey, handle));
    if (session.isPresent()) {
      html.append("<p>Signed in as <strong>").append(Pages.escape(session.get().subject()))
          .append("</strong>. <a href=\"").append(Pages.escape(context.logoutPath())).append("\">Not you? Sign out</a></p>");
    } else if (users != null) {
      html.append("<label for=\"username\">User name</label>")
          .append("<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required value=\"")
          .append(Pages.escape(username)).append("\">")
          .append("<label for=\"password\">Password</label>")
          .append("<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>");
    }
    if (users != null && context.loginSessionsOn() && LoginSessions.mayRemember(request)) {
      html.append("<label class=\"remember\"><input type=\"checkbox\" name=\"remember\" value=\"yes\"> Remember my approval of ")
          .append(name).append(" in this browser</label>");
    }
    html.append("<div class=\"buttons\">")
        .append("<button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button>")
        .append("<button type=\"submit\" name=\"decision\" value=\"approve\" class=\"primary\">")
        .append(upstream != null ? "Approve and sign in" : "Approve").append("</button>")
        .append("</div></form>");
    html.append("<p class=\"small\">Client ID <code>").append(Pages.escape(request.clientId())).append("</code></p>");
    Pages.write(context.response(), status, "Authorize " + request.clientName(), html.toString());
  }

  private static boolean isHttps(String uri) {
    return uri != null && uri.regionMatches(true, 0, "https://", 0, 8);
  }

  private static void hidden(StringBuilder html, String name, String value) {
    html.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
        .append(Pages.escape(value)).append("\">");
  }

  /** A form field sent exactly once. */
  private static Optional<String> single(HttpServletRequest request, String name) {
    String[] values = request.getParameterValues(name);
    return values != null && values.length == 1 ? Optional.of(values[0]) : Optional.empty();
  }
}
