package dev.mcpauth.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PBKDF2-HMAC-SHA256 password hashes and their encoded form. */
class PasswordHashTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void ofWhenSamePasswordTwiceThenSaltsAndHashesDiffer() {
    PasswordHash first = PasswordHash.of("wonderland".toCharArray());
    PasswordHash second = PasswordHash.of("wonderland".toCharArray());

    assertThat(first.encoded()).isNotEqualTo(second.encoded());
    assertThat(first.encoded().split("\\$")[2]).isNotEqualTo(second.encoded().split("\\$")[2]); // the salts
    assertThat(first.iterations()).isEqualTo(600_000);
    assertThat(first.encoded()).startsWith("pbkdf2-sha256$600000$");
  }

  @Test
  void matchesWhenRightPasswordThenTrueAndWhenWrongThenFalse() {
    PasswordHash hash = PasswordHash.of("wonderland".toCharArray(), PasswordHash.MIN_ITERATIONS, RANDOM);

    assertThat(hash.matches("wonderland".toCharArray())).isTrue();
    assertThat(hash.matches("Wonderland".toCharArray())).isFalse();
    assertThat(hash.matches("wonderland ".toCharArray())).isFalse();
    assertThat(hash.matches(new char[0])).isFalse();
    assertThat(hash.matches(null)).isFalse();
  }

  @Test
  void parseWhenEncodedByOfThenSameHash() {
    PasswordHash hash = PasswordHash.of("pässwörd".toCharArray(), 123_456, RANDOM);

    PasswordHash parsed = PasswordHash.parse(hash.encoded());

    assertThat(parsed.encoded()).isEqualTo(hash.encoded());
    assertThat(parsed.iterations()).isEqualTo(123_456);
    assertThat(parsed.matches("pässwörd".toCharArray())).isTrue();
    assertThat(parsed.matches("passwort".toCharArray())).isFalse();
  }

  @Test
  void parseWhenKnownVectorThenMatches() {
    // Made independently: python3 -c "import hashlib; print(hashlib.pbkdf2_hmac('sha256', b'password',
    // b'0123456789abcdef', 100000).hex())", the salt and hash then base64-encoded with padding.
    PasswordHash hash = PasswordHash.parse(
        "pbkdf2-sha256$100000$MDEyMzQ1Njc4OWFiY2RlZg==$p1GQp5LNWdbZyMOmOxHCdq1EmXK3iG4cLYGcKGBTNm8=");

    assertThat(hash.matches("password".toCharArray())).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "sha256$600000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA                                     | starts with pbkdf2-sha256$",
      "pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0c2FsdA                                     | <iterations>$<salt base64>$<hash base64>",
      "pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA$x                            | <iterations>$<salt base64>$<hash base64>",
      "pbkdf2-sha256$many$c2FsdHNhbHRzYWx0c2FsdA$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY | whole number",
      "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY | from 100000 to 10000000",
      "pbkdf2-sha256$600000$not*base64$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY     | salt is not base64",
      "pbkdf2-sha256$600000$c2FsdA$MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY         | at least 16 bytes",
      "pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA                              | has 32 bytes",
      "pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0c2FsdA$                                    | has 32 bytes"})
  void parseWhenMalformedThenRefusedSayingWhatIsWrongWithoutRepeatingIt(String encoded, String message) {
    assertThatThrownBy(() -> PasswordHash.parse(encoded))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining(encoded);
  }

  @Test
  void toStringWhenPrintedThenNamesAlgorithmNotHash() {
    PasswordHash hash = PasswordHash.of("wonderland".toCharArray(), PasswordHash.MIN_ITERATIONS, RANDOM);

    assertThat(hash.toString()).isEqualTo("PasswordHash[pbkdf2-sha256, 100000 iterations]");
  }
}
