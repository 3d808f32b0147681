package dev.mcpauth.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mcpauth.fetch.FetchException.Reason;
import dev.mcpauth.testing.Concurrently;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.testing.TestTls;
import dev.mcpauth.upstream.SingleFlight;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Validated documents while fresh; failures never kept; one fetch for concurrent first requests. */
class DocumentCacheTest {
  private static final TestTls TLS = TestTls.create();
  private static final Function<FetchedDocument, String> AS_TEXT =
      document -> new String(document.body(), StandardCharsets.UTF_8);

  private final MutableClock clock = MutableClock.atStart();
  private DocumentServer server;
  private DocumentCache<String> cache;
  private URI url;

  @BeforeEach
  void start() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json("{\"v\":1}", "Cache-Control", "max-age=600"));
    url = server.url("/client.json");
    DocumentFetcher fetcher = DocumentFetcher.builder().insecureAllowLoopback().sslContext(TLS.clientContext()).build();
    cache = new DocumentCache<>(fetcher, 100, clock);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void getWhileFreshThenReturnsTheCachedValueWithoutFetching() throws Exception {
    String first = cache.get(url, AS_TEXT);
    clock.advance(Duration.ofMinutes(9));
    String second = cache.get(url, AS_TEXT);

    assertThat(second).isSameAs(first).isEqualTo("{\"v\":1}");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void getWhenNoLongerFreshThenFetchesAgain() throws Exception {
    cache.get(url, AS_TEXT);
    server.respond(DocumentServer.json("{\"v\":2}", "Cache-Control", "max-age=600"));
    clock.advance(Duration.ofMinutes(10));

    assertThat(cache.get(url, AS_TEXT)).isEqualTo("{\"v\":2}");
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void getWhenTheFetchFailedThenTheFailureIsNotKept() throws Exception {
    server.respond(DocumentServer.status(503));
    FetchException e = catchThrowableOfType(FetchException.class, () -> cache.get(url, AS_TEXT));
    assertThat(e.reason()).isEqualTo(Reason.HTTP_STATUS);

    server.respond(DocumentServer.json("{\"v\":1}"));
    assertThat(cache.get(url, AS_TEXT)).isEqualTo("{\"v\":1}");
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void getWhenTheValidatorRejectsTheDocumentThenItsExceptionPropagatesAndNothingIsKept() throws Exception {
    IllegalArgumentException rejected = new IllegalArgumentException("client_id does not match the URL");

    assertThatThrownBy(() -> cache.get(url, document -> {
      throw rejected;
    })).isSameAs(rejected);

    assertThat(cache.get(url, AS_TEXT)).isEqualTo("{\"v\":1}");
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void invalidateThenTheNextGetFetchesAgain() throws Exception {
    cache.get(url, AS_TEXT);
    cache.invalidate(url);
    cache.get(url, AS_TEXT);

    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void getForDifferentUrlsThenEachIsFetchedAndKeptSeparately() throws Exception {
    URI other = server.url("/other.json");
    cache.get(url, AS_TEXT);
    cache.get(other, AS_TEXT);
    cache.get(url, AS_TEXT);
    cache.get(other, AS_TEXT);

    assertThat(server.requests()).extracting(DocumentServer.Request::path).containsExactly("/client.json", "/other.json");
  }

  /**
   * The server holds its answer until the one fetching caller is waiting for it and the 15 others
   * are parked in the single flight, waiting for that fetch: then all 16 are provably concurrent.
   */
  @Test
  @Timeout(120)
  void getWhenSixteenCallersAskAtOnceThenTheServerIsAskedOnce() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch othersWaiting = new CountDownLatch(1);
    server.respond(exchange -> {
      arrived.countDown();
      othersWaiting.await();
      DocumentServer.json("{\"v\":1}", "Cache-Control", "max-age=600").respond(exchange);
    });
    Set<Thread> callers = ConcurrentHashMap.newKeySet();
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // then release, and the count below fails
    Thread watcher = new Thread(() -> {
      while ((arrived.getCount() > 0 || waitingInTheFlight(callers) < 15) && System.nanoTime() < giveUp) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      othersWaiting.countDown();
    }, "document-cache-watcher");
    watcher.setDaemon(true);
    watcher.start();

    List<String> results = Concurrently.run(16, () -> {
      callers.add(Thread.currentThread());
      try {
        return cache.get(url, AS_TEXT);
      } catch (FetchException e) {
        throw new IllegalStateException(e);
      }
    });

    assertThat(results).hasSize(16).containsOnly("{\"v\":1}");
    assertThat(server.requests()).hasSize(1);
  }

  /**
   * Callers parked inside {@link SingleFlight} and not fetching themselves: they can only be waiting
   * for another caller's fetch.
   */
  private static long waitingInTheFlight(Set<Thread> callers) {
    return callers.stream().filter(caller -> {
      List<String> frames = Arrays.stream(caller.getStackTrace()).map(StackTraceElement::getClassName).toList();
      return caller.getState() == Thread.State.WAITING && frames.contains(SingleFlight.class.getName())
          && !frames.contains(DocumentFetcher.class.getName());
    }).count();
  }
}
