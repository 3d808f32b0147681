package dev.mcpauth.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the bodies of the OAuth endpoints and pages without holding a request thread while the client
 * sends them (Servlet 6 §3.7 non-blocking input), up to a size limit and a deadline. Anyone can send
 * these requests, so a client that announces a body and sends it slowly, or never, must cost a
 * connection, not one of the container's few request threads. A body still incomplete at the deadline
 * is answered 408 (RFC 9110 §15.5.9) with the connection closed. Where the servlet was registered
 * without async support, it falls back to a blocking read. Thread-safe; {@link #close} ends its timer.
 */
final class BodyReader implements AutoCloseable {
  /** What to do with a whole body, on a container thread. */
  @FunctionalInterface
  interface Handler {
    void accept(byte[] body) throws IOException;
  }

  /** Writes a refusal: 413 too large, 408 not arrived in time, 400 unreadable (broken framing, cut off). */
  @FunctionalInterface
  interface Refusal {
    void write(int status, String message) throws IOException;
  }

  static final String TOO_LARGE = "The request body is too large";
  static final String TIMED_OUT = "The request body did not arrive in time";
  static final String UNREADABLE = "The request body could not be read";

  private static final Logger LOG = LoggerFactory.getLogger(BodyReader.class);
  /** Larger bodies span several of the container's input buffers and are read as they come. */
  private static final int ARRIVED_AT_MOST = 16 * 1024;

  private final int maxBytes;
  private final Duration timeout;
  private final ScheduledExecutorService deadlines;

  BodyReader(int maxBytes, Duration timeout) {
    this.maxBytes = maxBytes;
    this.timeout = timeout;
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "mcp-auth-body-deadlines");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true); // a body that arrived in time leaves nothing queued
    this.deadlines = timer;
  }

  /**
   * Reads the body and passes it to {@code then}; or refuses it: 413 when it is larger than allowed,
   * 408 when it has not arrived in time (the deadline, or the container's idle timeout if sooner), 400
   * when it cannot be read (malformed chunked framing, cut off). A refusal closes the connection.
   */
  void read(HttpServletRequest request, HttpServletResponse response, Handler then, Refusal refusal)
      throws IOException {
    if (!request.isAsyncSupported()) {
      readBlocking(request, response, then, refusal);
      return;
    }
    byte[] arrived;
    try {
      arrived = alreadyArrived(request);
    } catch (IOException e) {
      refuseUnreadable(request, response, refusal, e);
      return;
    }
    if (arrived != null) {
      then.accept(arrived);
      return;
    }
    readAsync(request, response, then, refusal, false);
  }

  /**
   * The whole body, read on this thread, when every byte of it has already arrived; otherwise null and
   * nothing read. Most bodies come in the same packets as their headers; reading them at once spares
   * an async cycle (and, for the bearer filter, a second dispatch) per request while never waiting for
   * a client: the body's length is announced and the container holds at least that many bytes
   * ({@code available()}, which reads nothing from the network that would block).
   */
  byte[] alreadyArrived(HttpServletRequest request) throws IOException {
    long length = request.getContentLengthLong();
    if (length < 0 || length > Math.min(maxBytes, ARRIVED_AT_MOST)) {
      return null; // chunked, or larger than the container buffers at once: read as it comes
    }
    if (length == 0) {
      return new byte[0];
    }
    ServletInputStream in = request.getInputStream();
    if (in.available() < length) {
      return null;
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length != length) {
      throw new IOException("the body ended before its announced length");
    }
    return body;
  }

  /**
   * Reads the body without holding a thread, passes it to {@code keep}, and dispatches the request
   * again ({@code AsyncContext.dispatch()}, dispatcher type {@code ASYNC}) so that a filter mapped for
   * async dispatches can pass it on with the body it kept; the same refusals as {@link #read}. The
   * request must support async.
   */
  void readThenDispatch(HttpServletRequest request, HttpServletResponse response, Handler keep, Refusal refusal)
      throws IOException {
    readAsync(request, response, keep, refusal, true);
  }

  private void readAsync(HttpServletRequest request, HttpServletResponse response, Handler then, Refusal refusal,
      boolean dispatch) throws IOException {
    AsyncContext async = request.startAsync();
    async.setTimeout(0); // the deadline below answers, so the container's own timeout never races it
    Reading reading = new Reading(async, request, response, then, refusal, dispatch);
    if (request.getContentLengthLong() > maxBytes) {
      reading.refuseTooLarge(); // known from the headers: refused before a byte is read
    }
    reading.start();
  }

  private void readBlocking(HttpServletRequest request, HttpServletResponse response, Handler then, Refusal refusal)
      throws IOException {
    byte[] body;
    try {
      body = ServletIo.readBody(request, maxBytes);
    } catch (ServletIo.BodyTooLarge e) {
      ServletIo.refuseTooLarge(request, response, () -> refusal.write(413, TOO_LARGE));
      return;
    } catch (IOException e) {
      refuseUnreadable(request, response, refusal, e);
      return;
    }
    then.accept(body);
  }

  /** 408 if the container gave up waiting (its idle timeout), else 400; unless the client has gone. */
  static void refuseUnreadable(HttpServletRequest request, HttpServletResponse response, Refusal refusal,
      Throwable failure) {
    if (response.isCommitted()) {
      return;
    }
    try {
      ServletIo.closeAfterAnswer(request, response);
      if (ServletIo.isTimeout(failure)) {
        refusal.write(408, TIMED_OUT);
      } else {
        refusal.write(400, UNREADABLE);
      }
    } catch (IOException | RuntimeException gone) {
      // the client has gone: nobody to answer
    }
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
  }

  /** One body being read. The first of "arrived", "too large", "deadline" and "broken off" settles it. */
  private final class Reading implements ReadListener {
    private final AsyncContext async;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Handler then;
    private final Refusal refusal;
    private final boolean dispatch;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final ByteArrayOutputStream body;
    private final byte[] buffer;
    private ServletInputStream in;
    private volatile ScheduledFuture<?> deadline;
    /** After a 413: what is still read (and dropped) so that the client can read the answer. */
    private volatile long discarded = -1;

    Reading(AsyncContext async, HttpServletRequest request, HttpServletResponse response, Handler then,
        Refusal refusal, boolean dispatch) {
      this.dispatch = dispatch;
      this.async = async;
      this.request = request;
      this.response = response;
      this.then = then;
      this.refusal = refusal;
      // Sized by the announced length when there is one: most bodies are small, and this runs per request.
      long announced = request.getContentLengthLong();
      int expected = announced > 0 && announced <= maxBytes ? (int) announced : 8192;
      this.body = new ByteArrayOutputStream(expected);
      this.buffer = new byte[Math.min(expected + 1, 8192)]; // one more: the end is seen in the same read
    }

    void start() throws IOException {
      deadline = deadlines.schedule(this::deadlinePassed, timeout.toMillis(), TimeUnit.MILLISECONDS);
      in = request.getInputStream();
      in.setReadListener(this);
    }

    @Override
    public void onDataAvailable() throws IOException {
      while (in.isReady()) {
        int read = in.read(buffer);
        if (read == -1) {
          return; // onAllDataRead follows
        }
        if (discarded >= 0) {
          discarded += read;
          if (discarded >= ServletIo.DISCARD_BYTES) {
            finish();
            return;
          }
        } else if (body.size() + read > maxBytes) {
          refuseTooLarge(); // and read on while isReady: the container calls again only after it said false
        } else {
          body.write(buffer, 0, read);
        }
      }
    }

    @Override
    public void onAllDataRead() {
      if (discarded >= 0) {
        finish();
        return;
      }
      if (!settled.compareAndSet(false, true)) {
        return;
      }
      deadline.cancel(false);
      try {
        then.accept(body.toByteArray());
        if (dispatch) {
          async.dispatch();
          return;
        }
      } catch (IOException e) {
        // the client left while the answer was written: nobody to answer
      } catch (RuntimeException e) {
        LOG.error("Request to {} failed", request.getRequestURI(), e);
        answerServerError();
      }
      async.complete();
    }

    @Override
    public void onError(Throwable failure) {
      if (settled.compareAndSet(false, true)) {
        // Never an empty completion: the container would send it as 200 with no body.
        refuseUnreadable(request, response, refusal, failure);
        finish();
      } else if (discarded >= 0) {
        finish();
      }
    }

    /** 413 at once, then the rest is read and dropped until the deadline, as in the blocking case. */
    private void refuseTooLarge() throws IOException {
      if (!settled.compareAndSet(false, true)) {
        return;
      }
      ServletIo.closeAfterAnswer(request, response);
      refusal.write(413, TOO_LARGE);
      response.flushBuffer();
      discarded = 0;
    }

    /** On the timer's thread. */
    private void deadlinePassed() {
      if (discarded >= 0) {
        finish();
        return;
      }
      if (!settled.compareAndSet(false, true)) {
        return;
      }
      try {
        ServletIo.closeAfterAnswer(request, response);
        refusal.write(408, TIMED_OUT);
      } catch (IOException | RuntimeException e) {
        // the client is gone as well
      } finally {
        finish();
      }
    }

    private void answerServerError() {
      if (!response.isCommitted()) {
        try {
          response.reset();
          ServletIo.noSniff(response);
          ServletIo.writeJsonError(response, 500, "server_error", "The request could not be processed");
        } catch (IOException | RuntimeException ignored) {
          // nothing more can be said
        }
      }
    }

    private void finish() {
      ScheduledFuture<?> pending = deadline;
      if (pending != null) { // null only when the deadline passed before start() had noted it
        pending.cancel(false);
      }
      try {
        async.complete();
      } catch (IllegalStateException alreadyComplete) {
        // completed by another path at the same moment
      }
    }
  }
}
