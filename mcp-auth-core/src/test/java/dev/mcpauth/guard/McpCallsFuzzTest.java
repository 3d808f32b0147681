package dev.mcpauth.guard;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The MCP body reader of {@link BearerTokenFilter}: any {@code Content-Type} headers and any body
 * bytes, read as the filter reads them, then the scope policy applied to what was read. The only
 * refusal is {@link McpCalls.Refused} with 400 or 415; a body that names a {@code tools/call} of
 * {@code write_note} anywhere needs {@code mcp:write} (a call the check did not see is one the
 * transport may run unchecked).
 */
class McpCallsFuzzTest {
  private static final ScopePolicy POLICY = ScopePolicy.builder()
      .always("mcp:read")
      .tool("write_note", "mcp:write")
      .build();

  @FuzzTest(maxDuration = "4s")
  void mcpBody(FuzzedDataProvider data) {
    List<String> contentTypes = new ArrayList<>();
    int headers = data.consumeInt(0, 2);
    for (int i = 0; i < headers; i++) {
      contentTypes.add(data.consumeBoolean() ? "application/json" : data.consumeString(60));
    }
    byte[] body = data.consumeRemainingAsBytes();
    List<McpCall> calls;
    try {
      McpCalls.requireJsonInUtf8(contentTypes);
      calls = McpCalls.read(body);
    } catch (McpCalls.Refused e) {
      if (e.status() != 400 && e.status() != 415) {
        throw new AssertionError("refused with " + e.status(), e);
      }
      return;
    }
    Set<String> required = POLICY.requiredFor(calls);
    if (!required.contains("mcp:read")) {
      throw new AssertionError("the policy's scope is not required for " + calls);
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.contains("\"write_note\"") && text.contains("tools/call") && !required.contains("mcp:write")) {
      throw new AssertionError("mcp:write not required for " + text + " read as " + calls);
    }
  }
}
