package dev.mcpauth.client;

import dev.mcpauth.OAuthException;
import dev.mcpauth.internal.Uris;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The redirect URI rules: which URIs a client may register, and whether a URI in an authorization
 * request matches a registered one.
 *
 * <ul>
 *   <li>https anywhere; plain http only to {@code localhost}, {@code 127.0.0.1} or {@code [::1]}
 *       (RFC 8252 §7.3, §8.3);
 *   <li>private-use schemes of native apps such as {@code cursor://} and {@code vscode://} (RFC 8252
 *       §7.1), but never a scheme that runs or embeds content in a browser ({@code javascript:},
 *       {@code data:} and the like);
 *   <li>no fragment (RFC 6749 §3.1.2), no user info, no wildcard;
 *   <li>matching is exact string comparison, except that a loopback http URI matches on any port
 *       (RFC 8252 §7.3), as desktop clients pick a free port at run time.
 * </ul>
 */
public final class RedirectUris {
  static final int MAX_LENGTH = 2000;
  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");
  /** Schemes that a browser executes, renders inline, or that point at something other than an app. */
  private static final Set<String> NEVER =
      Set.of("javascript", "data", "vbscript", "file", "about", "blob", "filesystem", "view-source",
          "ws", "wss", "ftp", "mailto", "tel", "sms", "intent", "chrome", "chrome-extension");

  private RedirectUris() {}

  /**
   * Checks a URI a client wants to register.
   *
   * @throws OAuthException {@code invalid_redirect_uri} saying what is wrong
   */
  public static void checkRegistrable(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      throw OAuthException.invalidRedirectUri("A redirect URI must have 1 to " + MAX_LENGTH + " characters");
    }
    if (value.contains("*")) {
      throw OAuthException.invalidRedirectUri("Redirect URIs must not contain wildcards");
    }
    URI uri = Uris.parse(value).orElseThrow(() -> OAuthException.invalidRedirectUri("A redirect URI is not a valid URI"));
    if (!uri.isAbsolute() || uri.isOpaque()) {
      throw OAuthException.invalidRedirectUri("A redirect URI must be an absolute, hierarchical URI");
    }
    if (uri.getRawFragment() != null || value.contains("#")) {
      throw OAuthException.invalidRedirectUri("A redirect URI must not contain a fragment");
    }
    if (uri.getRawUserInfo() != null) {
      throw OAuthException.invalidRedirectUri("A redirect URI must not contain user information");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      if (uri.getHost() == null) {
        throw OAuthException.invalidRedirectUri("An https redirect URI must name a host");
      }
    } else if (scheme.equals("http")) {
      if (!Uris.isLoopbackHost(uri.getHost())) {
        throw OAuthException.invalidRedirectUri(
            "Plain http redirect URIs are allowed only for localhost, 127.0.0.1 and [::1]; use https");
      }
    } else if (NEVER.contains(scheme) || !SCHEME.matcher(scheme).matches()) {
      throw OAuthException.invalidRedirectUri("This redirect URI scheme is not allowed");
    }
  }

  /**
   * The registered URI that {@code requested} matches, if any: exactly, or, for loopback http, with
   * any port.
   */
  public static Optional<String> match(Client client, String requested) {
    Objects.requireNonNull(requested, "requested");
    for (String registered : client.redirectUris()) {
      if (registered.equals(requested) || loopbackMatch(registered, requested)) {
        return Optional.of(registered);
      }
    }
    return Optional.empty();
  }

  private static boolean loopbackMatch(String registered, String requested) {
    Optional<URI> reg = Uris.parse(registered);
    Optional<URI> req = Uris.parse(requested);
    if (reg.isEmpty() || req.isEmpty()) {
      return false;
    }
    URI a = reg.get();
    URI b = req.get();
    return "http".equals(a.getScheme())
        && "http".equals(b.getScheme())
        && Uris.isLoopbackHost(a.getHost())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && Objects.equals(a.getRawPath(), b.getRawPath())
        && Objects.equals(a.getRawQuery(), b.getRawQuery())
        && b.getRawFragment() == null
        && b.getRawUserInfo() == null;
  }

  /**
   * Whether the URI goes to this machine only, over http or https in any case: the consent page
   * warns then (MCP 2025-11-25, Client ID Metadata Documents).
   */
  public static boolean isLoopback(String redirectUri) {
    return Uris.parse(redirectUri)
        .map(uri -> uri.getScheme() != null
            && (uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
            && Uris.isLoopbackHost(uri.getHost()))
        .orElse(false);
  }
}
