package dev.mcpauth.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link UserAuthenticator#ofUsers}: salted, slow hashes, pre-hashed entries, no user enumeration by timing. */
class UserAuthenticatorTest {
  @Test
  void ofUsersWhenPasswordRightThenSubjectAndWhenWrongOrUnknownThenEmpty() {
    UserAuthenticator users = UserAuthenticator.ofUsers(Map.of("alice", "wonderland"));

    assertThat(users.authenticate("alice", "wonderland")).contains("alice");
    assertThat(users.authenticate("alice", "wonderlant")).isEmpty();
    assertThat(users.authenticate("bob", "wonderland")).isEmpty();
    assertThat(users.authenticate(null, null)).isEmpty();
  }

  @Test
  void ofUsersWhenPreHashedEntryThenItsPasswordLogsIn() {
    String hash = PasswordHash.of("looking-glass".toCharArray()).encoded();

    UserAuthenticator users = UserAuthenticator.ofUsers(Map.of("bob", hash, "alice", "wonderland"));

    assertThat(users.authenticate("bob", "looking-glass")).contains("bob");
    assertThat(users.authenticate("bob", hash)).isEmpty(); // the hash is not a password
    assertThat(users.authenticate("alice", "wonderland")).contains("alice");
  }

  @Test
  void ofUsersWhenHashMalformedThenRefusedAtLoadNamingTheUserNotTheValue() {
    String truncated = PasswordHash.of("looking-glass".toCharArray()).encoded().substring(0, 40);

    assertThatThrownBy(() -> UserAuthenticator.ofUsers(Map.of("bob", truncated)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("user bob: a password hash")
        .hasMessageNotContaining(truncated);
    assertThatThrownBy(() -> UserAuthenticator.ofUsers(Map.of("bob", ""))).hasMessage("user bob: the password is empty");
  }

  @Test
  void ofUsersWhenStoredThenNeitherThePasswordNorItsUnsaltedSha256IsKept() throws Exception {
    Map<String, String> passwords = new LinkedHashMap<>();
    passwords.put("alice", "wonderland");
    passwords.put("carol", "wonderland"); // the same password: a different salt, a different hash
    FixedUsers users = (FixedUsers) UserAuthenticator.ofUsers(passwords);
    byte[] sha256 = MessageDigest.getInstance("SHA-256").digest("wonderland".getBytes(StandardCharsets.UTF_8));

    assertThat(users.hashes()).hasSize(2);
    for (PasswordHash hash : users.hashes().values()) {
      String encoded = hash.encoded();
      assertThat(encoded).startsWith("pbkdf2-sha256$600000$")
          .doesNotContain("wonderland")
          .doesNotContain(HexFormat.of().formatHex(sha256))
          .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(sha256))
          .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256));
      assertThat(Base64.getDecoder().decode(encoded.split("\\$")[3])).isNotEqualTo(sha256);
    }
    assertThat(users.hashes().get("alice").encoded()).isNotEqualTo(users.hashes().get("carol").encoded());
    assertThat(users.toString()).doesNotContain("wonderland").doesNotContain("pbkdf2-sha256$");
  }

  @Test
  void authenticateWhenUserUnknownThenCostsAsMuchAsAKnownOne() {
    UserAuthenticator users = UserAuthenticator.ofUsers(Map.of("alice", "wonderland"));
    users.authenticate("alice", "warm-up");

    long known = median(() -> users.authenticate("alice", "wrong"));
    long unknown = median(() -> users.authenticate("mallory", "wrong"));

    // A PBKDF2 run each (about 135 ms here); SHA-256 or a map miss alone would be microseconds.
    assertThat(unknown).isGreaterThan(known / 2);
    assertThat(known).isGreaterThan(20_000_000L);
  }

  private static long median(Runnable check) {
    long[] nanos = new long[5];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      check.run();
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos[2];
  }
}
