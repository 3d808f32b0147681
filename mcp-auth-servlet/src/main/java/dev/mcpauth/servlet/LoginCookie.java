package dev.mcpauth.servlet;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;

/**
 * The cookie that carries a browser's login session id: {@code HttpOnly} (no script reads it),
 * {@code SameSite=Lax} (sent on a client's top-level redirect to the authorization page, not on
 * cross-site posts), path {@code /}, and on https {@code Secure} with the {@code __Host-} prefix, so
 * that no other host or plain-http page can set one for this server (RFC 6265bis §4.1.3.2). On https
 * only the prefixed name is read.
 */
final class LoginCookie {
  private LoginCookie() {}

  static String name(boolean secure) {
    return secure ? "__Host-mcp-auth-login" : "mcp-auth-login";
  }

  /** The session id the browser sent; null without exactly one such cookie. */
  static String read(HttpServletRequest request) {
    return CookieHeader.single(request, name(request.isSecure()));
  }

  /** Every value of the cookie the browser sent (sign-out ends each, planted or not). */
  static java.util.List<String> readAll(HttpServletRequest request) {
    return CookieHeader.values(request, name(request.isSecure()));
  }

  static void set(HttpServletRequest request, HttpServletResponse response, String id, Duration maxAge) {
    response.addCookie(cookie(request, id, (int) Math.min(Integer.MAX_VALUE, maxAge.toSeconds())));
  }

  static void clear(HttpServletRequest request, HttpServletResponse response) {
    response.addCookie(cookie(request, "", 0));
  }

  private static Cookie cookie(HttpServletRequest request, String value, int maxAge) {
    boolean secure = request.isSecure();
    Cookie cookie = new Cookie(name(secure), value);
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSecure(secure);
    cookie.setMaxAge(maxAge);
    cookie.setAttribute("SameSite", "Lax");
    return cookie;
  }
}
