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
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The load run of issue 14: start-up to the first answered request, then throughput, latency
 * percentiles, server CPU and heap allocation per operation, resident memory and heap after a full GC
 * for registration, guarded MCP calls next to an unguarded baseline in the same process, and complete
 * authorization-code + PKCE flows: with a password login each, in a browser signed in already (its
 * login session), and with the consent remembered as well. The server runs in a JVM of its own on loopback;
 * bounded in time. Each phase is first warmed up (the JIT compilers need well over 5 s on two CPUs
 * shared with the client), then measured in rounds that interleave the phases of its group; figures
 * are medians. The groups run in turn: the MCP calls with and without the guard, registration (which
 * fills the store), the flows.
 *
 * <pre>{@code
 * java -cp mcp-auth-benchmarks/target/benchmarks.jar dev.mcpauth.benchmarks.load.LoadRun \
 *   --jar mcp-auth-examples/target/mcp-auth-example.jar [--seconds 10] [--warmup 10] [--rounds 3] \
 *   [--threads 4] [--startups 5] [--jvm-option -XX:SharedArchiveFile=app.jsa]... [--start-up-only] [--only guarded] [--wrk]
 * }</pre>
 *
 * With {@code --wrk}, registration and the MCP calls are sent by wrk ({@code -t1 -c<threads>}) rather
 * than by Java clients, which on two CPUs take as much CPU as the server.
 */
public final class LoadRun {
  /** Runs only the phases whose name contains this ({@code --only}). */
  private static String only = "";

  private LoadRun() {}

  public static void main(String[] args) throws Exception {
    // Below Jetty's 30 s idle timeout: a client idle while other phases run must not reuse a connection
    // the server is closing at that moment ("header parser received no bytes").
    System.setProperty("jdk.httpclient.keepalive.timeout", "15");
    Path exampleJar = null;
    int seconds = 10;
    int warmup = 10;
    int threads = 4;
    int startups = 5;
    int rounds = 3;
    boolean startUpOnly = false;
    boolean useWrk = false;
    List<String> jvmOptions = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jar" -> exampleJar = Path.of(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--startups" -> startups = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--jvm-option" -> jvmOptions.add(args[++i]);
        case "--start-up-only" -> startUpOnly = true;
        case "--wrk" -> useWrk = true;
        case "--only" -> only = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (useWrk && !Wrk.available()) {
      throw new IllegalStateException("--wrk needs wrk on the PATH (Debian: apt-get install wrk)");
    }
    Path benchmarksJar = Path.of(LoadRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    System.out.printf(Locale.ROOT, "JVM %s, %d CPUs, %d rounds of %d s per phase after %d s warm-up, %d client threads%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), rounds, seconds, warmup, threads);

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
      // Groups, measured one after the other: the guard against its baseline first, before registration
      // fills the store (a larger heap slows every later phase); the flows last.
      List<Phase> calls = new ArrayList<>();
      List<Phase> registration = new ArrayList<>();
      List<Phase> flows = new ArrayList<>();
      registration.add(new Phase("registration", () -> {
        LegitimateClient client = new LegitimateClient(base, server.mcpEndpoint());
        return client::register;
      }, () -> new WrkRequest(URI.create(base + "/register"), Map.of("Content-Type", "application/json"),
          LegitimateClient.REGISTRATION)));
      calls.add(new Phase("MCP call, guarded (/mcp)", () -> {
        LegitimateClient client = new LegitimateClient(base, server.mcpEndpoint()).connect("alice", "change-me");
        return client::callTool;
      }, () -> {
        LegitimateClient client = new LegitimateClient(base, server.mcpEndpoint()).connect("alice", "change-me");
        return new WrkRequest(client.mcpEndpoint(), client.mcpHeaders(), LegitimateClient.CALL_TOOL);
      }));
      calls.add(new Phase("MCP call, unguarded", () -> {
        LegitimateClient client = new LegitimateClient(base, URI.create(base + "/baseline")).connectWithoutToken();
        return client::callTool;
      }, () -> {
        LegitimateClient client = new LegitimateClient(base, URI.create(base + "/baseline")).connectWithoutToken();
        return new WrkRequest(client.mcpEndpoint(), client.mcpHeaders(), LegitimateClient.CALL_TOOL);
      }));
      flows.add(new Phase("flow with login", () -> {
        LegitimateClient client = new LegitimateClient(base, server.mcpEndpoint());
        String clientId = client.register();
        return () -> client.authorizeWithLogin(clientId, "alice", "change-me");
      }));
      flows.add(new Phase("flow, signed in", () -> {
        LegitimateClient client = new LegitimateClient(base, server.mcpEndpoint());
        String clientId = client.register();
        client.authorizeWithLogin(clientId, "alice", "change-me"); // the login session starts here
        return () -> client.authorizeSignedIn(clientId);
      }));
      flows.add(new Phase("flow, consent remembered", () -> {
        LegitimateClient client = new LegitimateClient(base, server.mcpEndpoint());
        String clientId = client.registerWeb();
        client.authorizeRemembering(clientId, "alice", "change-me");
        return () -> client.authorizeRemembered(clientId);
      }));
      List<Phase> phases = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        for (List<Phase> group : List.of(calls, registration, flows)) {
          group.removeIf(phase -> !phase.name.contains(only));
          for (Phase phase : group) {
            phase.prepare(threads, useWrk);
            if (phase.wrkRequest != null) {
              phase.wrkRequest.send(threads, warmup);
            } else {
              run(pool, phase.operations, warmup); // JIT and caches warm; not counted
            }
          }
          // Rounds interleave a group's phases, so that a busy moment of the machine does not fall on one alone.
          for (int round = 0; round < rounds; round++) {
            for (Phase phase : group) {
              phase.rounds.add(measure(server, pool, phase, threads, seconds));
            }
          }
          phases.addAll(group);
        }
      } finally {
        pool.shutdownNow();
      }
      System.out.printf(Locale.ROOT, "medians of %d rounds of %d s%n", rounds, seconds);
      System.out.println("phase                         ops/s    p50 ms   p99 ms   max ms   CPU µs/op  KiB alloc/op  RSS MiB  heap MiB");
      for (Phase phase : phases) {
        System.out.printf(Locale.ROOT, "%-26s %9.0f %9.2f %8.2f %8.2f %11.0f %13.1f %8.0f %9.1f%n", phase.name,
            phase.median(Figures::opsPerSecond), phase.median(Figures::p50Millis), phase.median(Figures::p99Millis),
            phase.median(Figures::maxMillis), phase.median(Figures::cpuMicrosPerOp), phase.median(Figures::allocatedKibPerOp),
            phase.median(Figures::residentMib), phase.median(Figures::heapMib));
      }
    }
  }

  /** One operation of a phase, made ready per client thread by the phase's setup. */
  @FunctionalInterface
  interface Operation {
    void run() throws Exception;
  }

  /** What one measured round of a phase showed. */
  record Figures(double opsPerSecond, double p50Millis, double p99Millis, double maxMillis, double cpuMicrosPerOp,
      double allocatedKibPerOp, double residentMib, double heapMib) {}

  /** One request that wrk sends again and again. */
  record WrkRequest(URI uri, Map<String, String> headers, String body) {
    Wrk.Result send(int connections, int seconds) throws Exception {
      return Wrk.post(uri, headers, body, connections, seconds);
    }
  }

  /**
   * A named load, its operations (one per client thread) and the figures of its rounds; with {@code
   * --wrk}, a phase that is one request repeated is sent by wrk instead.
   */
  private static final class Phase {
    final String name;
    final Callable<Operation> setup;
    final Callable<WrkRequest> wrkSetup;
    final List<Operation> operations = new ArrayList<>();
    final List<Figures> rounds = new ArrayList<>();
    WrkRequest wrkRequest;

    Phase(String name, Callable<Operation> setup) {
      this(name, setup, null);
    }

    Phase(String name, Callable<Operation> setup, Callable<WrkRequest> wrkSetup) {
      this.name = name;
      this.setup = setup;
      this.wrkSetup = wrkSetup;
    }

    void prepare(int threads, boolean useWrk) throws Exception {
      if (useWrk && wrkSetup != null) {
        wrkRequest = wrkSetup.call();
        return;
      }
      for (int i = 0; i < threads; i++) {
        operations.add(setup.call());
      }
    }

    double median(java.util.function.ToDoubleFunction<Figures> figure) {
      double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
      return values[values.length / 2];
    }
  }

  private static Figures measure(ServerUnderLoad server, ExecutorService pool, Phase phase, int threads, int seconds)
      throws Exception {
    Map<Long, Long> allocatedBefore = server.allocatedBytesByThread();
    long cpuBefore = server.cpuMillis();
    if (phase.wrkRequest != null) {
      Wrk.Result sent = phase.wrkRequest.send(threads, seconds);
      long cpu = server.cpuMillis() - cpuBefore;
      long allocated = ServerUnderLoad.allocatedBetween(allocatedBefore, server.allocatedBytesByThread());
      return new Figures(sent.opsPerSecond(), sent.p50Millis(), sent.p99Millis(), sent.maxMillis(),
          cpu * 1000.0 / sent.requests(), allocated / 1024.0 / sent.requests(), server.residentKib() / 1024.0,
          server.heapAfterGcKib() / 1024.0);
    }
    long start = System.nanoTime();
    long[] latencies = run(pool, phase.operations, seconds);
    double elapsed = (System.nanoTime() - start) / 1e9;
    long cpu = server.cpuMillis() - cpuBefore;
    long allocated = ServerUnderLoad.allocatedBetween(allocatedBefore, server.allocatedBytesByThread());
    Arrays.sort(latencies);
    int ops = latencies.length;
    return new Figures(ops / elapsed, percentile(latencies, 50), percentile(latencies, 99), latencies[ops - 1] / 1e6,
        cpu * 1000.0 / ops, allocated / 1024.0 / ops, server.residentKib() / 1024.0, server.heapAfterGcKib() / 1024.0);
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
    if (count == 0) {
      return; // --startups 0: the load phases only
    }
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
