package dev.mcpauth.internal;

import dev.mcpauth.OAuthException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Scope strings (RFC 6749 §3.3): parsed, checked against what the server supports, and joined. */
public final class Scopes {
  /** scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
  private static final Pattern TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}");
  private static final int MAX_SCOPES = 50;

  private Scopes() {}

  /** Parses a space-separated scope; {@code null} or blank gives an empty set. */
  public static Set<String> parse(String scope) {
    Set<String> result = new LinkedHashSet<>();
    if (scope == null || scope.isBlank()) {
      return result;
    }
    String[] parts = scope.trim().split(" +");
    if (parts.length > MAX_SCOPES) {
      throw OAuthException.invalidScope("Too many scopes");
    }
    for (String part : parts) {
      if (!TOKEN.matcher(part).matches()) {
        throw OAuthException.invalidScope("Malformed scope");
      }
      result.add(part);
    }
    return result;
  }

  /**
   * The scopes an authorization request asks for: those named, each supported and, when the client
   * registered a {@code scope} (RFC 7591 §2: the values it "can use"), each among those; or, when
   * none are named, the defaults the client registered. {@code offline_access} asks only for a
   * refresh token, which this server issues to every client, so a registration need not name it.
   *
   * @param registered the client's registered scope, or {@code null} when it registered none
   * @throws OAuthException {@code invalid_scope} for a scope unknown or not registered
   */
  public static Set<String> requested(String scope, Settings settings, String registered) {
    Set<String> allowed = registered == null ? null : parse(registered);
    Set<String> requested = parse(scope);
    if (requested.isEmpty()) {
      if (allowed == null) {
        return settings.defaultScopes();
      }
      Set<String> defaults = new LinkedHashSet<>(settings.defaultScopes());
      defaults.removeIf(value -> !allowed.contains(value) && !Settings.OFFLINE_ACCESS.equals(value));
      if (defaults.isEmpty()) {
        throw OAuthException.invalidScope("This client registered none of the default scopes: name the scope to request");
      }
      return defaults;
    }
    for (String value : requested) {
      if (!settings.scopes().contains(value) && !Settings.OFFLINE_ACCESS.equals(value)) {
        throw OAuthException.invalidScope("Unknown scope: " + value);
      }
      if (allowed != null && !allowed.contains(value) && !Settings.OFFLINE_ACCESS.equals(value)) {
        throw OAuthException.invalidScope("Scope " + value + " is beyond the scope this client registered");
      }
    }
    return requested;
  }

  public static String join(Set<String> scopes) {
    return String.join(" ", scopes);
  }

  public static Set<String> ordered(String... scopes) {
    return new LinkedHashSet<>(Arrays.asList(scopes));
  }
}
