package dev.mcpauth.benchmarks.load;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A server under test in a JVM of its own (the example jar, or the quick-start app), with what a load
 * run reads of it: its CPU time (from {@code /proc}, so the figure is the server's alone), resident
 * memory, heap after a forced GC, and the bytes its threads allocated.
 */
final class ServerUnderLoad implements AutoCloseable {
  private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
  private final Process process;
  private final URI mcpEndpoint;
  private com.sun.management.ThreadMXBean threads;

  private ServerUnderLoad(Process process, URI mcpEndpoint) {
    this.process = process;
    this.mcpEndpoint = mcpEndpoint;
  }

  /** The example jar with {@code args}, ready when it prints its MCP endpoint. */
  static ServerUnderLoad start(Path jar, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-jar", jar.toString()));
    command.addAll(args);
    return launch(command, line -> line.startsWith("MCP endpoint: ")
        ? URI.create(line.substring("MCP endpoint: ".length()).trim()) : null);
  }

  /** {@link dev.mcpauth.benchmarks.app.QuickStartApp} from {@code benchmarksJar}, ready when it prints its port. */
  static ServerUnderLoad startQuickStart(Path benchmarksJar, List<String> jvmOptions) throws Exception {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", benchmarksJar.toString(), "dev.mcpauth.benchmarks.app.QuickStartApp", "0"));
    return launch(command, line -> line.startsWith("READY ")
        ? URI.create("http://localhost:" + line.substring("READY ".length()).trim() + "/mcp") : null);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static ServerUnderLoad launch(List<String> command, java.util.function.Function<String, URI> ready)
      throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<URI> endpoint = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          URI uri = ready.apply(line);
          if (uri != null) {
            endpoint.complete(uri);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      endpoint.completeExceptionally(new IllegalStateException("the server exited before it was ready"));
    }, "server-output");
    reader.setDaemon(true);
    reader.start();
    return new ServerUnderLoad(process, endpoint.get(60, TimeUnit.SECONDS));
  }

  URI mcpEndpoint() {
    return mcpEndpoint;
  }

  String baseUrl() {
    return mcpEndpoint.resolve("/").toString().replaceAll("/$", "");
  }

  /** User plus system CPU time of the process so far, in milliseconds. */
  long cpuMillis() throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
    return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
  }

  long residentKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  /** Heap in use after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}), in KiB. */
  long heapAfterGcKib() throws Exception {
    jcmd("GC.run");
    // G1 prints one heap line, Serial and Parallel one per generation; Metaspace is not heap.
    long used = 0;
    for (String line : jcmd("GC.heap_info").split("\n")) {
      Matcher match = Pattern.compile("used (\\d+)K").matcher(line);
      if (!line.contains("Metaspace") && !line.contains("class space") && match.find()) {
        used += Long.parseLong(match.group(1));
      }
    }
    return used;
  }

  private String jcmd(String command) throws Exception {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(process.pid()), command).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    jcmd.waitFor(30, TimeUnit.SECONDS);
    return output;
  }

  /**
   * Bytes the server's live threads have allocated on the heap so far, per thread id ({@code
   * ThreadMXBean.getThreadAllocatedBytes}, read over JMX from a management agent started in the server
   * through the Attach API). A thread that ends between two readings takes its share with it, and a
   * reading itself allocates a few KiB in the server (JMX): over a phase's thousands of operations,
   * both are far below the figures' last digit.
   */
  Map<Long, Long> allocatedBytesByThread() throws Exception {
    if (threads == null) {
      VirtualMachine vm = VirtualMachine.attach(String.valueOf(process.pid()));
      String address;
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      MBeanServerConnection connection = JMXConnectorFactory.connect(new JMXServiceURL(address)).getMBeanServerConnection();
      threads = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.THREAD_MXBEAN_NAME,
          com.sun.management.ThreadMXBean.class);
    }
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    Map<Long, Long> byThread = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] >= 0) {
        byThread.put(ids[i], bytes[i]);
      }
    }
    return byThread;
  }

  /** Allocated between two readings of {@link #allocatedBytesByThread}, by the threads alive at the second. */
  static long allocatedBetween(Map<Long, Long> before, Map<Long, Long> after) {
    long total = 0;
    for (Map.Entry<Long, Long> thread : after.entrySet()) {
      total += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
    }
    return total;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
