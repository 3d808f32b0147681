package dev.mcpauth.internal;

/**
 * Makes a text fit for {@code error_description}: RFC 6749 §5.2 allows only {@code %x20-21 /
 * %x23-5B / %x5D-7E} (printable ASCII without {@code "} and {@code \}), and Nimbus's {@code
 * ErrorObject} refuses anything else with an exception. Descriptions often quote client input, so
 * every one passes through here ({@link dev.mcpauth.OAuthException} does it on construction).
 */
public final class ErrorDescriptions {
  /** Long enough to say what is wrong; short enough that quoted input cannot flood a response. */
  static final int MAX_LENGTH = 200;

  private ErrorDescriptions() {}

  /** {@code text} with every character outside the allowed set replaced, cut to 200 characters. */
  public static String safe(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    int length = Math.min(text.length(), MAX_LENGTH);
    StringBuilder out = new StringBuilder(length + 3);
    for (int i = 0; i < length; i++) {
      out.append(safe(text.charAt(i)));
    }
    if (text.length() > MAX_LENGTH) {
      out.append("...");
    }
    return out.toString();
  }

  private static char safe(char c) {
    if (c == '"') {
      return '\'';
    }
    if (c == '\\') {
      return '/';
    }
    if (c < 0x20 || c == 0x7F) {
      return ' ';
    }
    return c > 0x7E ? '?' : c;
  }
}
