package dev.mcpauth.servlet;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Binds a consent form to the browser that loaded it (CSRF protection). The browser gets a random
 * cookie once; each form carries HMAC(cookie, handle). A forged POST from another site lacks the
 * cookie's value; a handle lured into another browser lacks the cookie. On https the cookie is
 * {@code __Host-}, {@code Secure}, {@code HttpOnly} and {@code SameSite=Lax}.
 */
final class BrowserBinding {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String SECURE_NAME = "__Host-mcp-auth-browser";
  private static final String PLAIN_NAME = "mcp-auth-browser";

  private final SecureRandom random = new SecureRandom();

  /** The browser's key: the existing cookie, or a new one set on the response. */
  String browserKey(HttpServletRequest request, HttpServletResponse response) {
    return existingKey(request).orElseGet(() -> {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      String key = BASE64URL.encodeToString(bytes);
      boolean secure = request.isSecure();
      Cookie cookie = new Cookie(secure ? SECURE_NAME : PLAIN_NAME, key);
      cookie.setPath("/");
      cookie.setHttpOnly(true);
      cookie.setSecure(secure);
      cookie.setAttribute("SameSite", "Lax");
      response.addCookie(cookie);
      return key;
    });
  }

  /** The token the form for {@code handle} must carry. */
  String formToken(String browserKey, String handle) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(browserKey.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      return BASE64URL.encodeToString(mac.doFinal(handle.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is on every Java platform", e);
    }
  }

  /** Whether a submitted form token belongs to this browser and handle; constant time. */
  boolean verify(HttpServletRequest request, String handle, String submitted) {
    Optional<String> key = existingKey(request);
    if (key.isEmpty() || handle == null || submitted == null) {
      return false;
    }
    return MessageDigest.isEqual(formToken(key.get(), handle).getBytes(StandardCharsets.US_ASCII),
        submitted.getBytes(StandardCharsets.US_ASCII));
  }

  private static Optional<String> existingKey(HttpServletRequest request) {
    // Exactly one: on http a page of the same site (another port, a sibling host) can plant a second
    // with a more specific path and a key it knows. Read from the raw header, as the browser wrote it.
    String key = CookieHeader.single(request, request.isSecure() ? SECURE_NAME : PLAIN_NAME);
    return key != null && key.length() == 43 ? Optional.of(key) : Optional.empty();
  }
}
