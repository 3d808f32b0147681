package dev.mcpauth.internal;

/**
 * Text a client chose (its name, say), made safe to show a person: control characters and invisible
 * formatting characters (bidirectional overrides and isolates such as U+202E, zero-width characters)
 * are shown as {@code <U+202E>} instead of acting on the text around them, so a name cannot make
 * the page read differently from what it says (Unicode Technical Report #36 §2.4, "Bidirectional
 * Text Spoofing").
 */
public final class DisplayText {
  private DisplayText() {}

  /** {@code text} with every control, format, separator and unpaired surrogate character escaped. */
  public static String visible(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(codePoint -> {
      if (hidden(codePoint)) {
        out.append(String.format("<U+%04X>", codePoint));
      } else {
        out.appendCodePoint(codePoint);
      }
    });
    return out.toString();
  }

  private static boolean hidden(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> true;
      default -> false;
    };
  }
}
