package dev.mcpauth.servlet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;

/** A servlet container the adapter tests run on: root context, one initializer, one servlet. */
interface ServletContainer extends AutoCloseable {
  /** Request threads: few, so that a test can hold more connections than the container has threads. */
  int MAX_THREADS = 16;

  /** Starts on {@code port} with the initializer run and {@code servlet} mapped (async) at {@code path}. */
  void start(int port, ServletContainerInitializer initializer, HttpServlet servlet, String path) throws Exception;

  @Override
  void close() throws Exception;
}
