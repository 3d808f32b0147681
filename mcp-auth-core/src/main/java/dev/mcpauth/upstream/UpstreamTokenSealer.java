package dev.mcpauth.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals upstream tokens for storage with AES-256-GCM, bound to their grant: the grant id is the
 * additional authenticated data, so a sealed value copied to another grant does not open. The
 * upstream login's browser binding (a cookie) is sealed the same way, for its own purpose. The
 * output is {@code v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>}; the key id (the first bytes of
 * the key's SHA-256) picks the key on opening, so keys rotate: seal with the current key, keep the
 * previous ones for opening until their values have been refreshed or have lapsed.
 *
 * <p>Keys come from configuration as 32 random bytes, base64 (standard or url-safe). Nothing here
 * logs or prints a token or a key. Thread-safe.
 */
public final class UpstreamTokenSealer {
  private static final String VERSION = "v1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final Map<String, SecretKey> keys;
  private final String currentKeyId;
  private final SecureRandom random;

  private UpstreamTokenSealer(List<byte[]> keyBytes, SecureRandom random) {
    Map<String, SecretKey> byId = new LinkedHashMap<>();
    for (byte[] bytes : keyBytes) {
      if (bytes.length != 32) {
        throw new IllegalArgumentException("an upstream token key must be 32 bytes (256 bits), base64");
      }
      byId.put(keyId(bytes), new SecretKeySpec(bytes, "AES"));
    }
    this.keys = Map.copyOf(byId);
    this.currentKeyId = keyId(keyBytes.get(0));
    this.random = random;
  }

  /**
   * @param currentKey the key new values are sealed with, base64
   * @param previousKeys keys that only open older values, base64
   * @throws IllegalArgumentException if a key is not 32 bytes of base64; the message has no key material
   */
  public static UpstreamTokenSealer of(String currentKey, String... previousKeys) {
    List<byte[]> keys = new ArrayList<>();
    keys.add(decode(currentKey));
    for (String previous : previousKeys) {
      keys.add(decode(previous));
    }
    return new UpstreamTokenSealer(keys, new SecureRandom());
  }

  /** A new random key, base64, for configuration. */
  public static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  public String seal(UpstreamTokens tokens, String grantId) {
    Objects.requireNonNull(grantId, "grantId");
    ObjectNode plain = JSON.createObjectNode();
    plain.put("at", tokens.accessToken());
    plain.put("rt", tokens.refreshToken());
    plain.put("exp", tokens.expiresAt() == null ? null : tokens.expiresAt().toString());
    plain.put("scope", tokens.scope());
    return sealText(plain.toString(), "upstream tokens|" + grantId);
  }

  /** @throws IllegalArgumentException if the value was not sealed for this grant with one of these keys */
  public UpstreamTokens open(String sealed, String grantId) {
    String plain = openText(sealed, "upstream tokens|" + Objects.requireNonNull(grantId, "grantId"));
    try {
      JsonNode o = JSON.readTree(plain);
      return new UpstreamTokens(o.get("at").asText(), text(o, "rt"),
          text(o, "exp") == null ? null : Instant.parse(text(o, "exp")), text(o, "scope"));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("the sealed value is malformed");
    }
  }

  /** Seals any text for one {@code purpose} (the authenticated data): it opens only for that purpose. */
  String sealText(String plain, String purpose) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed = crypt(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), nonce, purpose,
        plain.getBytes(StandardCharsets.UTF_8));
    return VERSION + "." + currentKeyId + "." + BASE64URL.encodeToString(
        ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
  }

  /** @throws IllegalArgumentException if {@code sealed} is not this purpose's, or was altered */
  String openText(String sealed, String purpose) {
    String[] parts = sealed == null ? new String[0] : sealed.split("\\.", 3);
    if (parts.length != 3 || !VERSION.equals(parts[0]) || !keys.containsKey(parts[1])) {
      throw new IllegalArgumentException("not a sealed value of these keys");
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a sealed value of these keys");
    }
    if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new IllegalArgumentException("not a sealed value of these keys");
    }
    byte[] nonce = Arrays.copyOf(bytes, NONCE_BYTES);
    byte[] ciphertext = Arrays.copyOfRange(bytes, NONCE_BYTES, bytes.length);
    return new String(crypt(Cipher.DECRYPT_MODE, keys.get(parts[1]), nonce, purpose, ciphertext), StandardCharsets.UTF_8);
  }

  private static String text(JsonNode o, String field) {
    JsonNode value = o.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static byte[] crypt(int mode, SecretKey key, byte[] nonce, String purpose, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(("mcp-auth " + purpose).getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(input);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalArgumentException("the sealed value was altered, or belongs to another grant or purpose");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is on every Java platform: " + e.getClass().getSimpleName());
    }
  }

  private static String keyId(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return BASE64URL.encodeToString(Arrays.copyOf(digest, 6));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is on every Java platform", e);
    }
  }

  private static byte[] decode(String key) {
    if (key == null) {
      throw new IllegalArgumentException("an upstream token key is required");
    }
    String trimmed = key.strip();
    try {
      return trimmed.contains("-") || trimmed.contains("_")
          ? Base64.getUrlDecoder().decode(trimmed) : Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("an upstream token key must be 32 bytes (256 bits), base64");
    }
  }

  @Override
  public String toString() {
    return "UpstreamTokenSealer[current key " + currentKeyId + ", " + keys.size() + " key(s)]";
  }
}
