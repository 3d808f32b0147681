package dev.mcpauth.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node programs in {@code src/test/node} (installed there by the build's {@code npm ci}):
 * the official MCP TypeScript SDK client, Playwright, the conformance suite.
 */
final class NodeProcess {
  static final Path DIRECTORY = Path.of("src/test/node").toAbsolutePath();

  /** What a finished process printed, and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {
    /** The last line of stdout: the scripts print their report there. */
    String lastLine() {
      String[] lines = stdout.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private NodeProcess() {}

  /** Node 20 from the machine's PATH, for the SDK client and Playwright. */
  static Result node(long timeoutSeconds, String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    return run(command, timeoutSeconds);
  }

  /** Node 22 from the {@code node} npm package, which the conformance suite needs. */
  static Path node22() {
    return DIRECTORY.resolve("node_modules/node/bin/node");
  }

  static Process start(List<String> command) throws IOException {
    return new ProcessBuilder(command).directory(DIRECTORY.toFile()).start();
  }

  static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
    Path out = Files.createTempFile("node-out", ".txt");
    Path err = Files.createTempFile("node-err", ".txt");
    try {
      Process process = new ProcessBuilder(command).directory(DIRECTORY.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s; stderr: "
            + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
