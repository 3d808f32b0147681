package dev.mcpauth.benchmarks.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What anonymous abuse costs a legitimate user, against the example jar in its own JVM on loopback:
 *
 * <ol>
 *   <li>alice connects (registration, login and consent, token, MCP session) and calls {@code whoami}
 *       alone for a few seconds: her latency at rest;
 *   <li>{@code --attackers} clients (half sending 4 MiB bodies to {@code /mcp} without a token, half
 *       registering junk clients) run for {@code --seconds} while alice keeps calling: her p50/p99/max,
 *       the server's CPU time, resident memory and heap after a forced GC, and what the attackers got;
 *   <li>credential stuffing: {@code --stuffers} clients try wrong passwords for alice on the login page
 *       for 10 s: attempts per second the server judged (not refused with 429).
 * </ol>
 *
 * Bounded in time and loopback only. Usage: {@code java -cp mcp-auth-benchmarks/target/benchmarks.jar
 * dev.mcpauth.benchmarks.load.AbuseLoad --jar mcp-auth-examples/target/mcp-auth-example.jar
 * [--seconds 30] [--attackers 50] [--stuffers 8]}.
 */
public final class AbuseLoad {
  private static final byte[] FOUR_MIB = bigJson();

  private AbuseLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    Path jar = Path.of(options.getOrDefault("--jar", "mcp-auth-examples/target/mcp-auth-example.jar"));
    int seconds = Integer.parseInt(options.getOrDefault("--seconds", "30"));
    int attackers = Integer.parseInt(options.getOrDefault("--attackers", "50"));
    int stuffers = Integer.parseInt(options.getOrDefault("--stuffers", "8"));
    try (ServerUnderLoad server = ServerUnderLoad.start(jar,
        List.of("--port", "0", "--user", "alice:wonderland", "--user", "bob:builder"))) {
      LegitimateClient alice = new LegitimateClient(server.baseUrl(), server.mcpEndpoint()).connect("alice", "wonderland");
      String clientId = alice.register(); // for the stuffing run: after the attack, this address may register no more
      Latencies rest = calls(alice, Duration.ofSeconds(5));
      print("alice alone", rest);

      long cpuBefore = server.cpuMillis();
      ExecutorService pool = Executors.newFixedThreadPool(attackers);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
      for (int i = 0; i < attackers; i++) {
        boolean bodies = i % 2 == 0;
        pool.execute(() -> attack(server, bodies, deadline, outcomes));
      }
      Latencies underAttack = calls(alice, Duration.ofSeconds(seconds));
      pool.shutdown();
      pool.awaitTermination(2, TimeUnit.MINUTES);
      long cpu = server.cpuMillis() - cpuBefore;
      print("alice under attack", underAttack);
      System.out.printf("server CPU during the attack: %.1f s of %d s (%.0f%% of one core)%n", cpu / 1000.0, seconds,
          cpu / 10.0 / seconds);
      System.out.printf("server resident memory: %d MiB; heap after a full GC: %d MiB%n", server.residentKib() / 1024,
          server.heapAfterGcKib() / 1024);
      System.out.println("attackers' answers: " + outcomes);

      Map<Integer, LongAdder> stuffing = new ConcurrentHashMap<>();
      ExecutorService stuffPool = Executors.newFixedThreadPool(stuffers);
      long stuffDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      for (int i = 0; i < stuffers; i++) {
        stuffPool.execute(() -> {
          LegitimateClient stuffer = new LegitimateClient(server.baseUrl(), server.mcpEndpoint());
          while (System.nanoTime() < stuffDeadline) {
            try {
              stuffing.computeIfAbsent(stuffer.attemptLogin(clientId, "alice", UUID.randomUUID().toString()),
                  k -> new LongAdder()).increment();
            } catch (Exception e) {
              stuffing.computeIfAbsent(-1, k -> new LongAdder()).increment();
            }
          }
        });
      }
      stuffPool.shutdown();
      stuffPool.awaitTermination(2, TimeUnit.MINUTES);
      long judged = stuffing.getOrDefault(200, new LongAdder()).sum();
      System.out.printf("credential stuffing: %d wrong passwords judged in 10 s (%.0f/s); answers by status: %s%n",
          judged, judged / 10.0, stuffing);
    }
  }

  private static void attack(ServerUnderLoad server, boolean bodies, long deadline, Map<String, LongAdder> outcomes) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    while (System.nanoTime() < deadline) {
      String kind = bodies ? "anonymous 4 MiB /mcp" : "junk /register";
      try {
        HttpRequest request = bodies
            ? HttpRequest.newBuilder(server.mcpEndpoint()).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(FOUR_MIB)).build()
            : HttpRequest.newBuilder(URI.create(server.baseUrl() + "/register")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"redirect_uris\":[\"https://junk-" + UUID.randomUUID() + ".example/cb\"],"
                        + "\"token_endpoint_auth_method\":\"none\",\"client_name\":\"" + "x".repeat(150) + "\"}"))
                .build();
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        outcomes.computeIfAbsent(kind + " " + status, k -> new LongAdder()).increment();
      } catch (Exception e) {
        outcomes.computeIfAbsent(kind + " " + e.getClass().getSimpleName(), k -> new LongAdder()).increment();
      }
    }
  }

  private static Latencies calls(LegitimateClient client, Duration duration) throws Exception {
    List<Long> nanos = new ArrayList<>();
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      client.callTool();
      nanos.add(System.nanoTime() - start);
    }
    return new Latencies(nanos.stream().mapToLong(Long::longValue).sorted().toArray());
  }

  private record Latencies(long[] sortedNanos) {
    double percentileMillis(double p) {
      int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(p / 100 * sortedNanos.length) - 1);
      return sortedNanos[Math.max(0, index)] / 1e6;
    }
  }

  private static void print(String label, Latencies latencies) {
    System.out.printf("%s: %d calls, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", label, latencies.sortedNanos().length,
        latencies.percentileMillis(50), latencies.percentileMillis(99), latencies.percentileMillis(100));
  }

  private static byte[] bigJson() {
    byte[] body = new byte[4 * 1024 * 1024];
    Arrays.fill(body, (byte) ' ');
    byte[] start = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"pad\":\"".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(start, 0, body, 0, start.length);
    Arrays.fill(body, start.length, body.length - 3, (byte) 'a');
    body[body.length - 3] = '"';
    body[body.length - 2] = '}';
    body[body.length - 1] = '}';
    return body;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    return options;
  }
}
