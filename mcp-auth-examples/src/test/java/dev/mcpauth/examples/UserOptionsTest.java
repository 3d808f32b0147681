package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.servlet.PasswordHash;
import dev.mcpauth.servlet.UserAuthenticator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the example's users come from: --users-file, MCP_AUTH_USERS, --user; and --hash-password. */
class UserOptionsTest {
  private static final String HASH = PasswordHash.of("looking-glass".toCharArray()).encoded();

  @TempDir Path dir;

  @Test
  void usersFileWhenPlainAndHashedEntriesThenReadSkippingCommentsAndBlankLines() throws Exception {
    Path file = Files.writeString(dir.resolve("users"), """
        # the team
        alice:wonderland

          bob:%s
        carol:pass:with:colons\r
        """.formatted(HASH));

    Map<String, String> users = ExampleOptions.parse(Map.of(), "--users-file", file.toString()).users();

    assertThat(users).containsExactlyInAnyOrderEntriesOf(
        Map.of("alice", "wonderland", "bob", HASH, "carol", "pass:with:colons"));
    assertThat(UserAuthenticator.ofUsers(users).authenticate("bob", "looking-glass")).contains("bob");
  }

  @Test
  void usersFileWhenLineMalformedThenErrorNamesFileAndLineNotThePassword() throws Exception {
    Path file = Files.writeString(dir.resolve("users"), "alice:wonderland\n# fine\nbob-without-password\n");
    Path badHash = Files.writeString(dir.resolve("hashes"), "alice:wonderland\nbob:" + HASH.substring(0, 30) + "\n");
    Path empty = Files.writeString(dir.resolve("empty"), "alice:\n");

    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--users-file", file.toString()))
        .hasMessage("--users-file " + file + " line 3: expected NAME:PASSWORD or NAME:HASH");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--users-file", badHash.toString()))
        .hasMessageStartingWith("--users-file " + badHash + " line 2 (user bob): a password hash")
        .hasMessageNotContaining(HASH.substring(0, 30));
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--users-file", empty.toString()))
        .hasMessageContaining("line 1").hasMessageContaining("NAME:PASSWORD");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--users-file", dir.resolve("missing").toString()))
        .hasMessageContaining("cannot read");
  }

  /** A space around the colon would be part of the name or password, a user nobody can log in as: refused. */
  @Test
  void usersFileWhenSpaceAroundTheColonThenRefusedNotReadAsPartOfTheName() throws Exception {
    Path spacedName = Files.writeString(dir.resolve("spaced-name"), "dave :secret\n");
    Path spacedPassword = Files.writeString(dir.resolve("spaced-password"), "dave: secret\n");

    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--users-file", spacedName.toString()))
        .hasMessage("--users-file " + spacedName + " line 1: no spaces around the colon of NAME:PASSWORD");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--users-file", spacedPassword.toString()))
        .hasMessage("--users-file " + spacedPassword + " line 1: no spaces around the colon of NAME:PASSWORD");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--user", "dave\t:secret"))
        .hasMessage("--user: no spaces around the colon of NAME:PASSWORD");
  }

  @Test
  void usersVariableWhenCommaOrNewlineSeparatedThenRead() {
    Map<String, String> users = ExampleOptions.parse(
        Map.of("MCP_AUTH_USERS", "alice:wonderland, bob:" + HASH + "\ncarol:queen,\n")).users();

    assertThat(users).containsExactlyInAnyOrderEntriesOf(Map.of("alice", "wonderland", "bob", HASH, "carol", "queen"));
  }

  @Test
  void usersVariableWhenEntryMalformedThenErrorNamesTheEntry() {
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of("MCP_AUTH_USERS", "alice:wonderland,bob")))
        .hasMessage("MCP_AUTH_USERS entry 2: expected NAME:PASSWORD or NAME:HASH");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of("MCP_AUTH_USERS", "bob:pbkdf2-sha256$1$AA$AA")))
        .hasMessageStartingWith("MCP_AUTH_USERS entry 1 (user bob): a password hash's iteration count");
  }

  @Test
  void usersWhenFromEverySourceThenMergedAndANameGivenTwiceIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("users"), "bob:" + HASH + "\n");

    assertThat(ExampleOptions.parse(Map.of("MCP_AUTH_USERS", "carol:queen"), "--users-file", file.toString(),
        "--user", "alice:wonderland").users()).containsOnlyKeys("alice", "bob", "carol");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of("MCP_AUTH_USERS", "bob:queen"), "--users-file", file.toString()))
        .hasMessage("--users-file " + file + " line 1: user bob is already given");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--user", "alice"))
        .hasMessage("--user takes NAME:PASSWORD, both non-empty");
  }

  @Test
  void usersWhenResourceServerModeThenRefused() {
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of("MCP_AUTH_USERS", "alice:wonderland"),
        "--authorization-server", "https://as.example.com"))
        .hasMessageContaining("MCP_AUTH_USERS").hasMessageContaining("--authorization-server");
  }

  @Test
  void usageWhenReadThenWarnsThatUserIsVisibleAndNamesTheAlternatives() {
    assertThat(ExampleOptions.USAGE).contains("--users-file FILE", "MCP_AUTH_USERS", "--hash-password",
        "visible to other local users (ps");
  }

  @Test
  void hashPasswordWhenPipedThenReadsFirstLineAndPrintsAHashThatVerifies() throws Exception {
    assertThat(ExampleOptions.parse(Map.of(), "--hash-password").hashPassword()).isTrue();
    assertThat(ExampleOptions.parse(Map.of()).hashPassword()).isFalse();

    char[] password = ExampleServer.readPassword(null,
        new ByteArrayInputStream("wonder land\nignored\n".getBytes(StandardCharsets.UTF_8)));

    assertThat(password).containsExactly("wonder land".toCharArray());
    assertThat(ExampleServer.readPassword(null, new ByteArrayInputStream(new byte[0]))).isNull();
  }
}
