package dev.mcpauth.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Signing key rotation in the example, over HTTP, on an H2 file so that grants survive restarts:
 * the old key's tokens keep working, while a token the old key signs after its configured
 * retirement time, or one claiming more than its grant, is refused, before and after a restart.
 */
class KeyRotationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void retiredKeyWhenItSignsAfterItsRetirementOrBeyondTheGrantThenRefusedAcrossRestarts() throws Exception {
    Path directory = Files.createTempDirectory("mcp-auth-rotation");
    ECKey oldKey = key(directory.resolve("old.jwk"));
    ECKey newKey = key(directory.resolve("new.jwk"));
    int port = SharedStoreReplicasContract.freePort();
    PublicHost host = new PublicHost("localhost:" + port);
    List<String> common = List.of("--port", String.valueOf(port), "--store",
        "jdbc:h2:file:" + directory.resolve("store"), "--user", "alice:wonderland");

    String aliceToken;
    try (ExampleServer before = start(common, "--signing-key", directory.resolve("old.jwk").toString())) {
      String clientId = host.register(port);
      String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
      aliceToken = host.exchange(port, clientId, host.authorize(clientId, verifier, "mcp:read", port, port), verifier)
          .get("access_token").asText();
    }
    // The old key stopped signing just before alice's token (the 10 s clock skew covers it).
    Instant retiredAt = issuedAt(aliceToken).minusSeconds(5);
    String[] rotated = {"--signing-key", directory.resolve("new.jwk").toString(),
        "--retired-signing-key", directory.resolve("old.jwk").toString(), "--retired-at", retiredAt.toString()};

    String laterWithOldKey;
    try (ExampleServer after = start(common, rotated)) {
      assertThat(whoami(after, aliceToken)).as("signed before the retirement").isEqualTo("alice");

      // Whoever still holds the old key: a fresh iat, then a backdated one; root with every scope.
      String root = resign(oldKey, aliceToken, claims -> claims.subject("root").claim("scope", "mcp:read mcp:write")
          .issueTime(Date.from(Instant.now().plusSeconds(9))));
      String backdatedRoot = resign(oldKey, aliceToken, claims -> claims.subject("root")
          .claim("scope", "mcp:read mcp:write"));
      assertRefused(after, root);
      assertRefused(after, backdatedRoot);
      assertThat(McpHttp.callTool(after.mcpEndpoint(), root, "write_note", "{\"text\":\"x\"}").status()).isEqualTo(401);

      // Alice's own claims, signed by the old key after its retirement (a stale replica, a leak).
      laterWithOldKey = resign(oldKey, aliceToken, claims -> claims.issueTime(Date.from(Instant.now().plusSeconds(9))));
      assertRefused(after, laterWithOldKey);
      assertThat(whoami(after, newToken(host, port))).as("the new key signs").isEqualTo("alice");
    }
    // A restart does not move the retirement time: still refused, alice's old token still good.
    try (ExampleServer restarted = start(common, rotated)) {
      assertRefused(restarted, laterWithOldKey);
      assertThat(whoami(restarted, aliceToken)).isEqualTo("alice");
    }
  }

  @Test
  void retiredKeyWhenGivenWithoutItsRetirementTimeThenRefusedAtStartUp() throws Exception {
    Path old = Files.createTempFile("old", ".jwk");
    key(old);
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--retired-signing-key", old.toString()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--retired-at");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--retired-at", "2026-01-01T12:00:00Z"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--retired-signing-key");
    assertThatThrownBy(() -> ExampleOptions.parse(Map.of(), "--retired-signing-key", old.toString(), "--retired-at", "yesterday"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ISO-8601");
    assertThat(ExampleOptions.parse(Map.of(), "--retired-signing-key", old.toString(), "--retired-at", "2026-01-01T13:00:00+01:00")
        .retiredAt()).isEqualTo(Instant.parse("2026-01-01T12:00:00Z"));
    // A retirement in the future would let the key sign until then: the server refuses to start.
    String future = Instant.now().plusSeconds(3600).toString();
    assertThatThrownBy(() -> start(List.of("--port", "0"), "--retired-signing-key", old.toString(), "--retired-at", future))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("in the future");
  }

  private static ExampleServer start(List<String> common, String... more) throws Exception {
    List<String> args = new ArrayList<>(common);
    args.addAll(List.of(more));
    return ExampleServer.start(ExampleOptions.parse(Map.of(), args.toArray(String[]::new)));
  }

  private static String newToken(PublicHost host, int port) throws Exception {
    String clientId = host.register(port);
    String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    return host.exchange(port, clientId, host.authorize(clientId, verifier, "mcp:read", port, port), verifier)
        .get("access_token").asText();
  }

  private static String whoami(ExampleServer server, String token) throws Exception {
    McpHttp.Answer answer = McpHttp.callTool(server.mcpEndpoint(), token, "whoami", "{}");
    assertThat(answer.status()).as(answer.challenge()).isEqualTo(200);
    return JSON.readTree(McpHttp.text(answer)).get("subject").asText();
  }

  private static void assertRefused(ExampleServer server, String token) throws Exception {
    McpHttp.Answer answer = McpHttp.callTool(server.mcpEndpoint(), token, "whoami", "{}");
    JsonNode result = answer.result().path("message").path("result");
    assertThat(answer.status()).as("answered %s", result).isEqualTo(401);
    assertThat(answer.challenge()).contains("error=\"invalid_token\"");
  }

  private static ECKey key(Path file) throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
    Files.writeString(file, key.toJSONString());
    return key;
  }

  private static Instant issuedAt(String token) throws Exception {
    return SignedJWT.parse(token).getJWTClaimsSet().getIssueTime().toInstant();
  }

  /** {@code token}'s claims with a new {@code jti}, adjusted, signed by {@code key}. */
  private static String resign(ECKey key, String token, Consumer<JWTClaimsSet.Builder> claims) throws Exception {
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder(SignedJWT.parse(token).getJWTClaimsSet())
        .jwtID(UUID.randomUUID().toString());
    claims.accept(builder);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("at+jwt"))
        .keyID(key.getKeyID()).build(), builder.build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }
}
