package dev.mcpauth.servlet;

import dev.mcpauth.authorization.AuthorizationEndpoint;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.authorization.ConsentRequest;
import dev.mcpauth.authorization.Decision;
import dev.mcpauth.authorization.LoginSessions;
import dev.mcpauth.ratelimit.LoginThrottle;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * What an {@link InteractionHandler} works with during one request: the servlet request and
 * response, where its form posts to, and the two operations on pending authorizations. Not
 * thread-safe; valid for the request only.
 */
public final class InteractionContext {
  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final String formAction;
  private final AuthorizationEndpoint endpoint;
  private final InteractionHandler handler;
  private final String sourceAddress;
  private final LoginThrottle loginThrottle;
  private final LoginSessions loginSessions;
  private final String logoutPath;

  InteractionContext(HttpServletRequest request, HttpServletResponse response, String formAction,
      AuthorizationEndpoint endpoint, InteractionHandler handler, String sourceAddress, LoginThrottle loginThrottle,
      LoginSessions loginSessions, String logoutPath) {
    this.loginSessions = loginSessions;
    this.logoutPath = logoutPath;
    this.sourceAddress = sourceAddress;
    this.loginThrottle = loginThrottle;
    this.request = request;
    this.response = response;
    this.formAction = formAction;
    this.endpoint = endpoint;
    this.handler = handler;
  }

  public HttpServletRequest request() {
    return request;
  }

  public HttpServletResponse response() {
    return response;
  }

  /** The path the page's form must POST to. */
  public String formAction() {
    return formAction;
  }

  /** Whether the request came over https, so cookies can be {@code Secure} and {@code __Host-}. */
  public boolean secure() {
    return request.isSecure();
  }

  /**
   * Who sent the request: the connection's address, or the one the configured trusted proxies
   * name (an IPv6 one as its /64). For per-address limits, not for display.
   */
  public String sourceAddress() {
    return sourceAddress;
  }

  /**
   * The server's failed-login limits: a login form calls {@link LoginThrottle#tryAttempt} before it
   * checks a password and {@link LoginThrottle#succeeded} when the password was right.
   */
  public LoginThrottle loginThrottle() {
    return loginThrottle;
  }

  /** Whether browsers stay signed in after a login (the server's login sessions are on). */
  public boolean loginSessionsOn() {
    return loginSessions != null;
  }

  /** The path where a browser signs out of its login session. */
  public String logoutPath() {
    return logoutPath;
  }

  /** The browser's live login session (renewed by this use), if it has one. */
  public Optional<LoginSessions.Session> loginSession() {
    if (loginSessions == null) {
      return Optional.empty();
    }
    String id = LoginCookie.read(request);
    return id == null ? Optional.empty() : loginSessions.current(id);
  }

  /**
   * Signs {@code subject} in on this browser after their password was checked: a new session and
   * cookie, and the session the browser held before (if any) ended. Empty when login sessions are off.
   */
  public Optional<LoginSessions.Session> startLoginSession(String subject) {
    if (loginSessions == null) {
      return Optional.empty();
    }
    loginSessions.end(LoginCookie.read(request));
    LoginSessions.Started started = loginSessions.start(subject);
    LoginCookie.set(request, response, started.id(), started.maxAge());
    return Optional.of(started.session());
  }

  /** Whether the session remembers consent to exactly this request (see {@link LoginSessions#remembers}). */
  public boolean remembersConsent(LoginSessions.Session session, ConsentRequest consent) {
    return loginSessions != null && loginSessions.remembers(session, consent);
  }

  /** Remembers consent to exactly this request in the session, where that may be (see {@link LoginSessions#mayRemember}). */
  public void rememberConsent(LoginSessions.Session session, ConsentRequest consent) {
    if (loginSessions != null) {
      loginSessions.remember(session, consent);
    }
  }

  /** The pending authorization for a handle, while it is pending. */
  public Optional<ConsentRequest> pending(String handle) {
    return endpoint.pending(handle);
  }

  /**
   * Completes the authorization with the user's decision and writes the answer: a redirect to the
   * client with a code or {@code access_denied}, or an error page when the handle has lapsed or was
   * already used.
   */
  public void complete(String handle, Decision decision) throws IOException {
    AuthorizationStep step = endpoint.complete(handle, decision);
    if (step instanceof AuthorizationStep.Redirect redirect) {
      ServletIo.write(redirect.toResponse(), response);
    } else if (step instanceof AuthorizationStep.ErrorPage page) {
      handler.showError(page.error(), this);
    } else {
      throw new IllegalStateException("completing an authorization cannot need another interaction");
    }
  }
}
