package dev.mcpauth.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The MCP body reader's header check, for inputs the fuzzer found ({@link McpCallsFuzzTest}). */
class McpCallsTest {

  @Test
  void requireJsonInUtf8WhenContentTypeIsOnlySeparatorsThen415() {
    // Was an ArrayIndexOutOfBoundsException (";".split(";") is empty), a 500 from the container.
    for (String contentType : List.of(";", ";;", "; charset=utf-8")) {
      McpCalls.Refused refused = catchThrowableOfType(McpCalls.Refused.class,
          () -> McpCalls.requireJsonInUtf8(List.of(contentType)));

      assertThat(refused).as(contentType).isNotNull();
      assertThat(refused.status()).isEqualTo(415);
    }
  }

  @Test
  void requireJsonInUtf8WhenTrailingSeparatorThenAccepted() throws McpCalls.Refused {
    McpCalls.requireJsonInUtf8(List.of("application/json;"));
    McpCalls.requireJsonInUtf8(List.of("application/json; charset=utf-8;"));
  }
}
