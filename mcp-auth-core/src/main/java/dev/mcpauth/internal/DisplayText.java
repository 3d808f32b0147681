package dev.mcpauth.internal;

/**
 * Text a client chose (its name, say), made safe to show a person: control characters, invisible
 * formatting characters (bidirectional overrides and isolates such as U+202E, zero-width characters),
 * spaces other than U+0020 and characters that render blank are shown as {@code <U+202E>} instead of
 * acting on, or hiding in, the text around them, so a name cannot make
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
      case Character.SPACE_SEPARATOR -> codePoint != ' '; // wide, narrow and no-break spaces
      default -> blank(codePoint);
    };
  }

  /**
   * Letters and marks that render as nothing: the combining grapheme joiner, Hangul fillers, the
   * Mongolian and Khmer invisible vowels, variation selectors (Unicode Default_Ignorable_Code_Point
   * outside the format category), and the blank Braille pattern.
   */
  private static boolean blank(int codePoint) {
    return codePoint == 0x034F || codePoint == 0x115F || codePoint == 0x1160 || codePoint == 0x17B4
        || codePoint == 0x17B5 || (codePoint >= 0x180B && codePoint <= 0x180F) || codePoint == 0x2800
        || codePoint == 0x3164 || (codePoint >= 0xFE00 && codePoint <= 0xFE0F) || codePoint == 0xFFA0
        || (codePoint >= 0xE0100 && codePoint <= 0xE01EF);
  }
}
