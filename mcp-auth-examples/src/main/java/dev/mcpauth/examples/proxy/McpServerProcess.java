package dev.mcpauth.examples.proxy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP server the proxy starts ({@code MCP_SERVER_RUN_COMMAND}, run by {@code sh -c}): its output
 * goes to the proxy's, it is started again a second after it dies, and stopped (SIGTERM, then
 * SIGKILL after 10 s) when the proxy stops. Thread-safe.
 */
final class McpServerProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McpServerProcess.class);
  private static final Duration RESTART_DELAY = Duration.ofSeconds(1);

  private final String command;
  private volatile boolean stopping;
  private volatile Process process;
  private final Thread watcher;

  McpServerProcess(String command) throws IOException {
    this.command = command;
    this.process = launch();
    this.watcher = new Thread(this::watch, "mcp-server-watcher");
    this.watcher.setDaemon(true);
    this.watcher.start();
  }

  private Process launch() throws IOException {
    LOG.info("Starting the MCP server: {}", command);
    return new ProcessBuilder("sh", "-c", command).inheritIO().start();
  }

  private void watch() {
    while (!stopping) {
      try {
        int exit = process.waitFor();
        if (stopping) {
          return;
        }
        LOG.warn("The MCP server exited with {}; starting it again in {}", exit, RESTART_DELAY);
        TimeUnit.MILLISECONDS.sleep(RESTART_DELAY.toMillis());
        if (!stopping) {
          process = launch();
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        LOG.error("Cannot start the MCP server: {}", e.getMessage());
        return;
      }
    }
  }

  /** The running process's id, for tests and logs. */
  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    stopping = true;
    watcher.interrupt();
    Process current = process;
    current.descendants().forEach(ProcessHandle::destroy);
    current.destroy();
    try {
      if (!current.waitFor(10, TimeUnit.SECONDS)) {
        current.descendants().forEach(ProcessHandle::destroyForcibly);
        current.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
