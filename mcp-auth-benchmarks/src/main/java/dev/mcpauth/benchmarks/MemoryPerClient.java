package dev.mcpauth.benchmarks;

import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.ratelimit.LimitedAction;

/**
 * Heap used per registered client in the in-memory store, registered through the registration
 * endpoint as an MCP client registers itself (RFC 7591: a name, a loopback redirect URI, a public
 * client). Not a JMH benchmark (it measures space, not time); run with {@code java -cp
 * mcp-auth-benchmarks/target/benchmarks.jar dev.mcpauth.benchmarks.MemoryPerClient [count]}.
 */
public final class MemoryPerClient {
  private MemoryPerClient() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    AuthorizationServer.Builder builder = AuthorizationServer.builder()
        .issuer("https://as.example.com")
        .resource(BenchmarkClient.RESOURCE)
        .scopes("mcp:read", "mcp:write");
    for (LimitedAction action : LimitedAction.values()) {
      builder.withoutRateLimit(action); // every registration here comes from one caller
    }
    AuthorizationServer server = builder.build();
    register(server, 0); // classes loaded, caches made: not counted
    long before = MemoryPerGrant.usedHeap();
    for (int i = 1; i <= count; i++) {
      register(server, i);
    }
    long after = MemoryPerGrant.usedHeap();
    java.lang.ref.Reference.reachabilityFence(server); // alive until measured: else its clients may be collected
    System.out.printf("%d registered clients: %.0f bytes per client (%.1f MiB in all)%n",
        count, (after - before) / (double) count, (after - before) / 1048576.0);
  }

  private static void register(AuthorizationServer server, int i) {
    EndpointResponse response = server.registrationEndpoint().handle(EndpointRequest.json(
        "{\"client_name\":\"Claude " + i + "\",\"redirect_uris\":[\"http://127.0.0.1:33418/callback\"],"
            + "\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\",\"refresh_token\"],"
            + "\"response_types\":[\"code\"]}"));
    if (response.status() != 201) {
      throw new IllegalStateException("registration answered " + response.status() + ": " + response.body());
    }
  }
}
