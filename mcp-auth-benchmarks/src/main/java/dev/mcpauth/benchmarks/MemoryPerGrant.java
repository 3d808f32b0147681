package dev.mcpauth.benchmarks;

import dev.mcpauth.store.TokenHash;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.token.Grant;
import dev.mcpauth.token.StoredToken;
import dev.mcpauth.token.TokenKind;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * Heap used per stored grant in the in-memory store: a grant and its live refresh token, as a user
 * who connected once leaves them. Not a JMH benchmark (it measures space, not time); run with
 * {@code java -cp mcp-auth-benchmarks/target/benchmarks.jar dev.mcpauth.benchmarks.MemoryPerGrant}.
 */
public final class MemoryPerGrant {
  private MemoryPerGrant() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    InMemoryStorage storage = new InMemoryStorage(Clock.systemUTC());
    long before = usedHeap();
    Instant now = Instant.now();
    for (int i = 0; i < count; i++) {
      String id = "grant-" + i + "-0123456789ab"; // as long as a real grant id (22 characters)
      storage.grants().save(new Grant(id, "client-0123456789abcdef", "user-" + i, Set.of("mcp:read", "mcp:write"),
          BenchmarkClient.RESOURCE, BenchmarkClient.REDIRECT_URI, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", now,
          now.plusSeconds(90L * 86400)));
      storage.tokens().save(new StoredToken(TokenHash.of("refresh-" + i), TokenKind.REFRESH_TOKEN, id,
          "client-0123456789abcdef", now, now.plusSeconds(30L * 86400)));
    }
    long after = usedHeap();
    System.out.printf("%d grants with a refresh token each: %.0f bytes per grant (%.1f MiB in all)%n",
        count, (after - before) / (double) count, (after - before) / 1048576.0);
    System.out.println("(entries kept: " + storage.entryCount() + ")");
  }

  /** Heap in use after full collections, in bytes. */
  static long usedHeap() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
