package dev.mcpauth.benchmarks.load;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The load run of issue 14: start-up to the first answered request, then throughput, latency
 * percentiles, server CPU per operation, resident memory and heap after a full GC for registration,
 * guarded MCP calls next to an unguarded baseline in the same process, and complete authorization-code
 * + PKCE flows with a login each. The server runs in a JVM of its own on loopback; bounded in time.
 *
 * <pre>{@code
 * java -cp mcp-auth-benchmarks/target/benchmarks.jar dev.mcpauth.benchmarks.load.LoadRun \
 *   --jar mcp-auth-examples/target/mcp-auth-example.jar [--seconds 10] [--warmup 5] [--threads 4] \
 *   [--startups 5] [--jvm-option -XX:SharedArchiveFile=app.jsa]... [--start-up-only] [--only guarded]
 * }</pre>
 */
public final class LoadRun {
  /** Runs only the phases whose name contains this ({@code --only}). */
  private static String only = "";

  private LoadRun() {}

  public static void main(String[] args) throws Exception {
    Path exampleJar = null;
    int seconds = 10;
    int warmup = 5;
    int threads = 4;
    int startups = 5;
    boolean startUpOnly = false;
    List<String> jvmOptions = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> exampleJar = Path.of(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--startups" -> startups = Integer.parseInt(args[++i]);
        case "--jvm-option" -> jvmOptions.add(args[++i]);
        case "--start-up-only" -> startUpOnly = true;
        case "--only" -> only = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path benchmarksJar = Path.of(LoadRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    System.out.printf(Locale.ROOT, "JVM %s, %d CPUs, %d s per phase after %d s warm-up, %d client threads%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), seconds, warmup, threads);

    if (exampleJar != null) {
      String jar = exampleJar.toString();
      startUpsWithAndWithoutArchive("example jar", startups, jvmOptions,
          port -> List.of("-jar", jar, "--port", Integer.toString(port)));
    }
    startUpsWithAndWithoutArchive("quick start", startups, jvmOptions, port -> List.of("-cp", benchmarksJar.toString(),
        "dev.mcpauth.benchmarks.app.QuickStartApp", Integer.toString(port)));
    if (startUpOnly) {
      return;
    }

    try (ServerUnderLoad server = ServerUnderLoad.startQuickStart(benchmarksJar, jvmOptions)) {
      String base = server.baseUrl();
      System.out.printf(Locale.ROOT, "%nquick start at %s: heap after a full GC %d KiB, resident %d KiB before load%n",
          base, server.heapAfterGcKib(), server.residentKib());
      System.out.println("phase                         ops/s    p50 ms   p99 ms   max ms   CPU µs/op   RSS MiB  heap MiB");
      phase(server, "registration", threads, warmup, seconds, () -> {
        LegitimateClient client = new LegitimateClient(base, server.mcpEndpoint());
        return client::register;
      });
      phase(server, "MCP call, guarded (/mcp)", threads, warmup, seconds, () -> {
        LegitimateClient client = new LegitimateClient(base, server.mcpEndpoint()).connect("alice", "change-me");
        return client::callTool;
      });
      phase(server, "MCP call, unguarded", threads, warmup, seconds, () -> {
        LegitimateClient client = new LegitimateClient(base, URI.create(base + "/baseline")).connectWithoutToken();
        return client::callTool;
      });
      phase(server, "flow with login", threads, warmup, seconds, () -> {
        LegitimateClient client = new LegitimateClient(base, server.mcpEndpoint());
        String clientId = client.register();
        return () -> client.authorizeWithLogin(clientId, "alice", "change-me");
      });
    }
  }

  /** One operation of a phase, made ready per client thread by the phase's setup. */
  @FunctionalInterface
  interface Operation {
    void run() throws Exception;
  }

  private static void phase(ServerUnderLoad server, String name, int threads, int warmupSeconds, int seconds,
      Callable<Operation> setup) throws Exception {
    if (!name.contains(only)) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Operation> operations = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        operations.add(setup.call());
      }
      run(pool, operations, warmupSeconds); // JIT and caches warm; not counted
      long cpuBefore = server.cpuMillis();
      long start = System.nanoTime();
      long[] latencies = run(pool, operations, seconds);
      double elapsed = (System.nanoTime() - start) / 1e9;
      long cpu = server.cpuMillis() - cpuBefore;
      Arrays.sort(latencies);
      System.out.printf(Locale.ROOT, "%-26s %9.0f %9.2f %8.2f %8.2f %11.0f %9.0f %9.1f%n", name, latencies.length / elapsed,
          percentile(latencies, 50), percentile(latencies, 99), latencies[latencies.length - 1] / 1e6,
          cpu * 1000.0 / latencies.length, server.residentKib() / 1024.0, server.heapAfterGcKib() / 1024.0);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Each operation in a loop on its own thread for {@code seconds}; every latency in nanoseconds. */
  private static long[] run(ExecutorService pool, List<Operation> operations, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> results = new ArrayList<>();
    for (Operation operation : operations) {
      results.add(pool.submit(() -> {
        long[] times = new long[1024];
        int count = 0;
        go.await();
        while (System.nanoTime() < deadline) {
          long begin = System.nanoTime();
          operation.run();
          if (count == times.length) {
            times = Arrays.copyOf(times, count * 2);
          }
          times[count++] = System.nanoTime() - begin;
        }
        return Arrays.copyOf(times, count);
      }));
    }
    go.countDown();
    long[] all = new long[0];
    for (Future<long[]> result : results) {
      long[] part = result.get();
      long[] merged = Arrays.copyOf(all, all.length + part.length);
      System.arraycopy(part, 0, merged, all.length, part.length);
      all = merged;
    }
    return all;
  }

  private static double percentile(long[] sorted, int percent) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)] / 1e6;
  }

  /** Process start to the first 200 from the metadata document, {@code count} times, in milliseconds. */
  private static long[] startUps(int count, java.util.function.IntFunction<List<String>> command) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    long[] millis = new long[count];
    for (int i = 0; i < count; i++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      URI metadata = URI.create("http://127.0.0.1:" + port + "/.well-known/oauth-authorization-server");
      long begin = System.nanoTime();
      Process process = new ProcessBuilder(command.apply(port)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try {
        while (true) {
          if (!process.isAlive()) {
            throw new IllegalStateException("the server exited: " + command.apply(port));
          }
          try {
            if (http.send(HttpRequest.newBuilder(metadata).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
              break;
            }
          } catch (java.io.IOException notYet) {
            Thread.sleep(2); // not listening yet: the figure's resolution
          }
        }
        millis[i] = (System.nanoTime() - begin) / 1_000_000;
      } finally {
        process.destroy(); // SIGTERM: a normal exit, at which a training run writes its archive
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    }
    Arrays.sort(millis);
    return millis;
  }

  /**
   * Start-ups as they are, then with the classes of a start-up archived: Application Class-Data
   * Sharing on JDK 17 to 24 (an archive written at the exit of a training run, {@code
   * -XX:ArchiveClassesAtExit}, then {@code -XX:SharedArchiveFile}), the ahead-of-time cache on JDK 25
   * and later ({@code -XX:AOTCacheOutput}, then {@code -XX:AOTCache}, JEP 483 and 514). The training
   * run starts the server, reads the metadata document once and stops it (SIGTERM: a normal exit).
   */
  private static void startUpsWithAndWithoutArchive(String name, int count, List<String> jvmOptions,
      java.util.function.IntFunction<List<String>> app) throws Exception {
    report("start-up, " + name, startUps(count, port -> command(jvmOptions, app.apply(port))));
    boolean aot = Runtime.version().feature() >= 25;
    Path archive = java.nio.file.Files.createTempDirectory("load-run").resolve(aot ? "app.aot" : "app.jsa");
    List<String> training = new ArrayList<>(jvmOptions);
    training.add(aot ? "-XX:AOTCacheOutput=" + archive : "-XX:ArchiveClassesAtExit=" + archive);
    startUps(1, port -> command(training, app.apply(port)));
    if (!java.nio.file.Files.exists(archive)) {
      System.out.println("start-up, " + name + ": the training run wrote no archive");
      return;
    }
    List<String> using = new ArrayList<>(jvmOptions);
    using.add(aot ? "-XX:AOTCache=" + archive : "-XX:SharedArchiveFile=" + archive);
    report("start-up, " + name + (aot ? ", AOT cache" : ", AppCDS archive"), startUps(count, port -> command(using, app.apply(port))));
  }

  private static void report(String name, long[] sortedMillis) {
    System.out.printf(Locale.ROOT, "%s: median %d ms, min %d ms, max %d ms (%d starts)%n", name,
        sortedMillis[sortedMillis.length / 2], sortedMillis[0], sortedMillis[sortedMillis.length - 1], sortedMillis.length);
  }

  private static List<String> command(List<String> jvmOptions, List<String> rest) {
    List<String> command = new ArrayList<>(List.of(ServerUnderLoad.java()));
    command.addAll(jvmOptions);
    command.addAll(rest);
    return command;
  }
}
