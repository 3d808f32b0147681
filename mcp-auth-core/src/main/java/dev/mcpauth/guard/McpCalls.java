package dev.mcpauth.guard;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the JSON-RPC calls of an MCP POST body for the scope policy, failing closed: the check must
 * read the body exactly as the MCP transport will, or refuse it. So the body must be JSON in UTF-8
 * (MCP Streamable HTTP, and RFC 8259 §8.1 for JSON exchanged between systems), without invalid bytes,
 * repeated member names or trailing data; the filter then hands on exactly the bytes it checked,
 * declared as UTF-8 (the servlet adapter's {@code CachedBodyRequest}). A lenient reader elsewhere would otherwise see a call the
 * check never saw (an invalid byte turned into U+FFFD, a body declared as EBCDIC, the last of two
 * {@code name} members). Thread-safe.
 */
public final class McpCalls {
  private static final ObjectMapper STRICT_JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Why a body cannot be checked: the status and JSON-RPC error to answer with. */
  public static final class Refused extends Exception {
    private final int status;
    private final int jsonRpcCode;

    Refused(int status, int jsonRpcCode, String message) {
      super(message, null, false, false);
      this.status = status;
      this.jsonRpcCode = jsonRpcCode;
    }

    public int status() {
      return status;
    }

    public int jsonRpcCode() {
      return jsonRpcCode;
    }
  }

  private McpCalls() {}

  /**
   * Refuses a body that is not JSON in UTF-8 by its headers alone: MCP messages "MUST be UTF-8
   * encoded" (MCP base protocol, Messages). The raw header is read, not the container's parsed
   * content type, which throws on a malformed charset.
   *
   * @param contentTypes every {@code Content-Type} header of the request: exactly one must be sent
   * @throws Refused 415 for none, several, a media type other than {@code application/json}, or a
   *     charset other than UTF-8
   */
  public static void requireJsonInUtf8(List<String> contentTypes) throws Refused {
    if (contentTypes.size() != 1) {
      throw new Refused(415, -32600, "Unsupported Media Type: send one Content-Type, application/json");
    }
    // With limit -1, a value of only separators (";") still has a first part: the empty media type.
    String[] parts = contentTypes.get(0).split(";", -1);
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      throw new Refused(415, -32600, "Unsupported Media Type: Content-Type must be application/json");
    }
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].chars().filter(c -> c == '"').count() % 2 != 0) {
        // A quoted value holding ';' (charset="utf-8;x"): read otherwise elsewhere, so refused here.
        throw new Refused(415, -32600, "Unsupported Media Type: malformed Content-Type parameters");
      }
      String[] parameter = parts[i].split("=", 2);
      if (parameter[0].trim().equalsIgnoreCase("charset")) {
        String charset = parameter.length == 2 ? parameter[1].trim().replace("\"", "") : "";
        if (!charset.toLowerCase(Locale.ROOT).equals("utf-8")) {
          throw new Refused(415, -32600, "Unsupported Media Type: the body must be UTF-8");
        }
      }
    }
  }

  /**
   * The calls of a body whose headers passed {@link #requireJsonInUtf8}.
   *
   * @throws Refused 400 (JSON-RPC parse error) for bytes that are not strict UTF-8 JSON
   */
  public static List<McpCall> read(byte[] body) throws Refused {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Refused(400, -32700, "Parse error: the body is not valid UTF-8");
    }
    JsonNode root;
    try {
      root = STRICT_JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new Refused(400, -32700, "Parse error: the body is not one JSON value without repeated members");
    }
    List<McpCall> calls = new ArrayList<>();
    if (root != null && root.isArray()) {
      root.forEach(message -> calls.add(call(message)));
    } else {
      calls.add(call(root));
    }
    return calls;
  }

  /**
   * A message as the transport dispatches it: by a string {@code method}; a {@code tools/call} by its
   * string {@code params.name}. A method or name of another JSON type may still be coerced to a
   * string by a lenient reader, so it counts as unreadable, as does a message that is no object.
   */
  private static McpCall call(JsonNode message) {
    if (message == null || !message.isObject()) {
      return McpCall.unreadableCall();
    }
    JsonNode method = message.get("method");
    if (method == null) {
      return new McpCall(null, null); // a response (result or error): it calls nothing
    }
    if (!method.isTextual()) {
      return McpCall.unreadableCall();
    }
    if (!"tools/call".equals(method.asText())) {
      return new McpCall(method.asText(), null);
    }
    JsonNode name = message.path("params").get("name");
    return name != null && name.isTextual() ? new McpCall("tools/call", name.asText()) : McpCall.unreadableCall();
  }
}
