package dev.mcpauth.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The example server in a JVM of its own, as a replica runs: started with flags, ready once it prints its endpoint. */
final class ExampleProcess implements AutoCloseable {
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private volatile URI mcpEndpoint;

  private ExampleProcess(Process process) {
    this.process = process;
  }

  static ExampleProcess start(String... args) throws Exception {
    return start(List.of(), args);
  }

  /** @param jvmOptions options for its JVM, e.g. {@code -Djavax.net.ssl.trustStore=…} */
  static ExampleProcess start(List<String> jvmOptions, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ExampleServer.class.getName()));
    command.addAll(List.of(args));
    ExampleProcess started = new ExampleProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> started.read(ready), "example-output");
    reader.setDaemon(true);
    reader.start();
    if (!ready.get(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the example exited: " + started.output());
    }
    return started;
  }

  private void read(CompletableFuture<Boolean> ready) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.add(line);
        if (line.startsWith("MCP endpoint: ")) {
          mcpEndpoint = URI.create(line.substring("MCP endpoint: ".length()).strip());
          ready.complete(true);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    ready.complete(false);
  }

  /** The endpoint it printed when ready: with {@code --port 0}, the port it picked. */
  URI mcpEndpoint() {
    return mcpEndpoint;
  }

  String output() {
    return String.join("\n", output);
  }

  /** Stops it as an operator would (SIGTERM: the shutdown hook closes the store). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
