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

  /** The scopes a request asks for: those named, each supported, or the defaults when none are. */
  public static Set<String> requested(String scope, Settings settings) {
    Set<String> requested = parse(scope);
    if (requested.isEmpty()) {
      return settings.defaultScopes();
    }
    for (String value : requested) {
      if (!settings.scopes().contains(value) && !Settings.OFFLINE_ACCESS.equals(value)) {
        throw OAuthException.invalidScope("Unknown scope: " + value);
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
