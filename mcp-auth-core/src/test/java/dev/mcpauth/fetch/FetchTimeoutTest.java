package dev.mcpauth.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mcpauth.fetch.FetchException.Reason;
import dev.mcpauth.testing.TestTls;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The total timeout bounds a fetch however the server stalls: the connection is aborted when it
 * passes. Each test has a short total timeout and a generous {@code @Timeout}: a fetch that is not
 * aborted would hang until the latter.
 */
class FetchTimeoutTest {
  private static final TestTls TLS = TestTls.create();
  private static final Duration TOTAL = Duration.ofSeconds(1);
  /** Far above TOTAL, for a slow shared machine; a missing abort would take until @Timeout. */
  private static final Duration GENEROUS = Duration.ofSeconds(20);

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch handlerDone = new CountDownLatch(1);
  private DocumentServer server;

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.close();
    }
  }

  private static DocumentFetcher fetcher() {
    return DocumentFetcher.builder().insecureAllowLoopback().sslContext(TLS.clientContext())
        .connectTimeout(Duration.ofMillis(500)).totalTimeout(TOTAL).build();
  }

  @Test
  @Timeout(60)
  void fetchWhenTheServerSendsHeadersThenHoldsTheBodyThenTimesOutAndTheServerIsReleased() throws Exception {
    server = DocumentServer.https(TLS, exchange -> {
      try {
        exchange.sendResponseHeaders(200, 100);
        OutputStream out = exchange.getResponseBody();
        out.write("{\"client_id\":".getBytes());
        out.flush();
        release.await(); // holds the rest of the body until the test lets go
      } finally {
        handlerDone.countDown();
      }
    });
    long start = System.nanoTime();

    FetchException e = catchThrowableOfType(FetchException.class, () -> fetcher().fetch(server.url("/doc.json")));

    assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(e.safeMessage()).isEqualTo("the server did not answer in time");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(GENEROUS);
    release.countDown();
    assertThat(handlerDone.await(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  /**
   * A byte every 100 ms keeps every single read well inside its socket timeout; only the total
   * timeout can end this fetch. The pacing is the server's behaviour under test, not test timing.
   */
  @Test
  @Timeout(60)
  void fetchWhenTheServerTricklesTheBodyThenTheTotalTimeoutEndsIt() throws Exception {
    server = DocumentServer.https(TLS, exchange -> {
      try {
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        while (!release.await(100, TimeUnit.MILLISECONDS)) {
          out.write(' ');
          out.flush();
        }
      } finally {
        handlerDone.countDown();
      }
    });
    long start = System.nanoTime();

    FetchException e = catchThrowableOfType(FetchException.class, () -> fetcher().fetch(server.url("/doc.json")));

    assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(TOTAL).isLessThan(GENEROUS);
    // The trickling handler fails on its next write to the aborted connection, or ends when released.
    release.countDown();
    assertThat(handlerDone.await(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @Timeout(60)
  void fetchWhenTheServerHoldsTheHeadersThenTimesOut() throws Exception {
    server = DocumentServer.https(TLS, exchange -> {
      try {
        release.await();
      } finally {
        handlerDone.countDown();
      }
    });

    FetchException e = catchThrowableOfType(FetchException.class, () -> fetcher().fetch(server.url("/doc.json")));

    assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(server.requests()).hasSize(1);
    release.countDown();
    assertThat(handlerDone.await(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }
}
