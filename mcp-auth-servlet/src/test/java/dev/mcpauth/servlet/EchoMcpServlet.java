package dev.mcpauth.servlet;

import dev.mcpauth.token.VerifiedToken;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the MCP servlet: answers with the principal the filter passed on and the body it got,
 * and, as a Streamable HTTP server does, announces a new session in answer to an initialization. A GET
 * asking for an event stream gets one that stays open (asynchronously, as the SDK's does); a call of
 * the tool {@code hold} keeps its thread until {@link #release}.
 */
final class EchoMcpServlet extends HttpServlet {
  private final CountDownLatch held = new CountDownLatch(1);
  private final java.util.concurrent.Semaphore holding = new java.util.concurrent.Semaphore(0);
  private final List<AsyncContext> streams = new CopyOnWriteArrayList<>();

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    VerifiedToken token = (VerifiedToken) request.getAttribute(BearerTokenFilter.VERIFIED_TOKEN);
    if (request.getMethod().equals("GET") && String.valueOf(request.getHeader("Accept")).contains("text/event-stream")) {
      response.setContentType("text/event-stream");
      response.flushBuffer();
      streams.add(request.startAsync());
      return;
    }
    String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (body.contains("\"name\":\"hold\"")) {
      holding.release();
      try {
        held.await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (body.contains("\"method\":\"initialize\"")) { // the MCP Java SDK opens one even when a stale id was sent
      response.setHeader("Mcp-Session-Id", UUID.randomUUID().toString());
    }
    response.setContentType("text/plain;charset=UTF-8");
    response.getWriter().write("subject=" + (token == null ? "none" : token.subject()) + "\nbody=" + body);
  }

  /** Waits until {@code calls} calls of {@code hold} are being held (each on its request thread). */
  void awaitHeld(int calls) throws InterruptedException {
    holding.acquire(calls);
  }

  /** Lets every held call finish. */
  void release() {
    held.countDown();
  }

  @Override
  public void destroy() {
    held.countDown();
    streams.forEach(stream -> {
      try {
        stream.complete();
      } catch (IllegalStateException ended) {
        // the client left
      }
    });
  }
}
