package dev.mcpauth.client;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * Client ID Metadata Documents: any client id URL with any document, read as a fetched document is
 * once its bytes are UTF-8 (the same {@code checkUrl} and {@code fromJson}, reached through the pinned
 * documents, which fetch nothing). The only refusal is the configuration error naming the document.
 */
class MetadataDocumentFuzzTest {
  private static final String URL = "https://apps.example.com/client.json";

  @FuzzTest(maxDuration = "4s")
  void metadataDocument(FuzzedDataProvider data) {
    String url = data.consumeBoolean() ? URL : data.consumeString(200);
    String json = data.consumeRemainingAsString();
    try {
      new MetadataDocumentClients(Set.of(), Map.of(url, json), null, RegistrationPolicy.ALLOW_ALL, Clock.systemUTC());
    } catch (IllegalStateException e) {
      if (!e.getMessage().startsWith("Invalid mcp-auth configuration: the pinned document for ")) {
        throw e;
      }
    }
  }
}
