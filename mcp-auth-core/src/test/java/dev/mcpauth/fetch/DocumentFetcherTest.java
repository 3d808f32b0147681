package dev.mcpauth.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mcpauth.fetch.FetchException.Reason;
import dev.mcpauth.testing.TestTls;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One GET over real HTTPS to a local server: what is sent, what is accepted, what is refused. */
class DocumentFetcherTest {
  private static final TestTls TLS = TestTls.create();
  /** RFC 9110 §5.6.7 IMF-fixdate; RFC_1123_DATE_TIME would drop the day's leading zero. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
  private static final String DOCUMENT = "{\"client_id\":\"https://app.example/client.json\"}";

  private DocumentServer server;
  private DocumentServer other;

  @AfterEach
  void stop() {
    for (DocumentServer s : new DocumentServer[] {server, other}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private static DocumentFetcher.Builder local() {
    return DocumentFetcher.builder().insecureAllowLoopback().sslContext(TLS.clientContext());
  }

  private static FetchException failure(DocumentFetcher fetcher, URI url) {
    return catchThrowableOfType(FetchException.class, () -> fetcher.fetch(url));
  }

  @Test
  void fetchWhenTheServerAnswers200ThenReturnsTheBodyAsSentWithOneCleanGet() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));

    FetchedDocument document = local().build().fetch(server.url("/clients/app.json?v=1"));

    assertThat(new String(document.body(), StandardCharsets.UTF_8)).isEqualTo(DOCUMENT);
    assertThat(document.contentType()).isEqualTo("application/json");
    assertThat(server.requests()).singleElement().satisfies(request -> {
      assertThat(request.method()).isEqualTo("GET");
      assertThat(request.path()).isEqualTo("/clients/app.json?v=1");
      assertThat(request.header("Host")).isEqualTo("127.0.0.1:" + server.port());
      assertThat(request.header("Accept")).isEqualTo("application/json");
      assertThat(request.header("User-Agent")).contains("mcp-auth");
      assertThat(request.headers().keySet())
          .map(name -> name.toLowerCase(Locale.ROOT))
          .doesNotContain("cookie", "authorization", "proxy-authorization", "accept-encoding");
    });
  }

  @Test
  void fetchWhenTheHostIsAnIpv6LiteralThenConnectsVerifiesAndSendsABracketedHost() throws Exception {
    server = DocumentServer.https(TLS, InetAddress.getByName("::1"), DocumentServer.json(DOCUMENT));

    FetchedDocument document = local().build().fetch(server.url("[::1]", "/doc.json"));

    assertThat(document.body()).isEqualTo(DOCUMENT.getBytes(StandardCharsets.UTF_8));
    assertThat(server.requests()).singleElement()
        .satisfies(request -> assertThat(request.header("Host")).isEqualTo("[::1]:" + server.port()));
  }

  @Test
  void fetchWhenTheCertificateIsNotFromATrustedCaThenTlsFailsAndNoRequestIsSent() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    DocumentFetcher jvmTrust = DocumentFetcher.builder().insecureAllowLoopback().build();

    FetchException e = failure(jvmTrust, server.url("/doc.json"));

    assertThat(e.reason()).isEqualTo(Reason.TLS_FAILED);
    assertThat(e.safeMessage()).isEqualTo("no trusted TLS connection to the server could be made");
    assertThat(server.requests()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost"})
  void fetchWhenLoopbackIsNotAllowedThenRefusesBeforeAnyRequest(String host) throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    DocumentFetcher strict = DocumentFetcher.builder().sslContext(TLS.clientContext()).build();

    FetchException e = failure(strict, server.url(host, "/doc.json"));

    assertThat(e.reason()).isEqualTo(Reason.SPECIAL_USE_ADDRESS);
    assertThat(e.safeMessage()).isEqualTo("the host resolves to a private or special-use address")
        .doesNotContain("127.0.0.1");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void fetchWhenPlainHttpThenRefusedUnlessLoopbackIsAllowed() throws Exception {
    server = DocumentServer.http(DocumentServer.json(DOCUMENT));
    URI url = server.url("/doc.json");

    FetchException e = failure(DocumentFetcher.builder().build(), url);
    assertThat(e.reason()).isEqualTo(Reason.NOT_ALLOWED_URL);
    assertThat(server.requests()).isEmpty();

    assertThat(local().build().fetch(url).body()).isEqualTo(DOCUMENT.getBytes(StandardCharsets.UTF_8));
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void fetchWhenPlainHttpToAHostThatIsNotLoopbackThenRefusedEvenWithTheRelaxation() {
    ScriptedResolver resolver = new ScriptedResolver().answer("public.test", "1.1.1.1");

    FetchException e = failure(local().hostResolver(resolver).build(), URI.create("http://public.test/doc.json"));

    assertThat(e.reason()).isEqualTo(Reason.NOT_ALLOWED_URL);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ftp://app.test/doc.json",
      "file:///etc/passwd",
      "HTTP://app.test/doc.json",
      "https:///doc.json",
      "https:app.test/doc.json",
      "/doc.json",
      "https://user:secret@app.test/doc.json",
      "https://user@app.test/doc.json",
      "https://app.test/doc.json#fragment",
      "https://app.test/doc.json#",
      "https://[fe80::1%25eth0]/doc.json",
      "https://999.1.1.1/doc.json",
      "https://app_test:443/doc.json",
      "https://app.test:65536/doc.json",
      "https://app.test:99999/doc.json",
      "https://app.test:0/doc.json",
      "https://app.test/\u202Edoc.json",
      "https://app.test/caf\u00e9.json",
  })
  void fetchWhenTheUrlIsNotAnAbsoluteHttpsUrlWithAHostThenRefusedWithoutResolving(String url) {
    ScriptedResolver resolver = new ScriptedResolver().answer("app.test", "1.1.1.1");

    FetchException e = failure(DocumentFetcher.builder().hostResolver(resolver).build(), URI.create(url));

    assertThat(e.reason()).isEqualTo(Reason.NOT_ALLOWED_URL);
    assertThat(resolver.calls()).isZero();
  }

  @Test
  void fetchWhenTheServerRedirectsThenFailsAndDoesNotFollow() throws Exception {
    other = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    server = DocumentServer.https(TLS, DocumentServer.status(302, "Location", other.url("/doc.json").toString()));

    FetchException e = failure(local().build(), server.url("/doc.json"));

    assertThat(e.reason()).isEqualTo(Reason.REDIRECT);
    assertThat(e.status()).hasValue(302);
    assertThat(e.safeMessage()).isEqualTo("the server answered with a redirect (302), which is not followed");
    assertThat(server.requests()).hasSize(1);
    assertThat(other.requests()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {201, 203, 204, 401, 404, 500, 503})
  void fetchWhenTheStatusIsNot200ThenFailsWithTheStatusAndNoServerText(int status) throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.status(status));

    FetchException e = failure(local().build(), server.url("/doc.json"));

    assertThat(e.reason()).isEqualTo(Reason.HTTP_STATUS);
    assertThat(e.status()).hasValue(status);
    assertThat(e.safeMessage()).isEqualTo("the server answered " + status);
    assertThat(e.getMessage()).isEqualTo(e.safeMessage());
  }

  @Test
  void fetchWhenTheBodyIsExactlyTheCapThenAccepted() throws Exception {
    byte[] body = filled(5120);
    server = DocumentServer.https(TLS, exchange -> DocumentServer.send(exchange, 200, body));

    assertThat(local().build().fetch(server.url("/doc.json")).body()).hasSize(5120);
  }

  @Test
  void fetchWhenContentLengthIsAboveTheCapThenFailsBeforeReadingTheBody() throws Exception {
    server = DocumentServer.https(TLS, exchange -> DocumentServer.send(exchange, 200, filled(6000)));

    FetchException e = failure(local().build(), server.url("/doc.json"));

    assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(e.safeMessage()).isEqualTo("the document is larger than 5120 bytes");
  }

  @ParameterizedTest
  @ValueSource(ints = {5121, 6000})
  void fetchWhenAChunkedBodyPassesTheCapThenFails(int size) throws Exception {
    server = DocumentServer.https(TLS, exchange -> {
      exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length to go by
      try (OutputStream out = exchange.getResponseBody()) {
        for (int sent = 0; sent < size; sent += 1000) {
          out.write(filled(Math.min(1000, size - sent)));
          out.flush();
        }
      }
    });

    assertThat(failure(local().build(), server.url("/doc.json")).reason()).isEqualTo(Reason.TOO_LARGE);
  }

  @Test
  void fetchWhenTheBodyNeverEndsThenFailsAsSoonAsItPassesTheCap() throws Exception {
    server = DocumentServer.https(TLS, exchange -> {
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      while (true) { // until the fetcher drops the connection, which ends this with an IOException
        out.write(filled(1000));
        out.flush();
      }
    });

    // Not TIMEOUT: the total timeout is generous, the cap is what stops it.
    FetchException e = failure(local().maxBytes(2000).totalTimeout(Duration.ofSeconds(60)).build(),
        server.url("/doc.json"));

    assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(e.safeMessage()).isEqualTo("the document is larger than 2000 bytes");
  }

  @Test
  void fetchWhenTheServerCompressesAnywayThenRefused() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT, "Content-Encoding", "gzip"));

    FetchException e = failure(local().build(), server.url("/doc.json"));

    assertThat(e.reason()).isEqualTo(Reason.BAD_RESPONSE);
    assertThat(server.requests()).singleElement()
        .satisfies(request -> assertThat(request.header("Accept-Encoding")).isNull());
  }

  @Test
  void fetchWhenTheServerSendsEndlessHeadersThenRefusedAtTheHeaderBound() throws Exception {
    String[] headers = new String[2 * 150];
    for (int i = 0; i < 150; i++) {
      headers[2 * i] = "X-Filler-" + i;
      headers[2 * i + 1] = "x";
    }
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT, headers));

    FetchException e = failure(local().build(), server.url("/doc.json"));

    assertThat(e.reason()).isEqualTo(Reason.BAD_RESPONSE);
    assertThat(e.safeMessage()).isEqualTo("the server's answer could not be read");
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(delimiter = '|', value = {
      "Cache-Control: max-age=600      | PT10M",
      "Cache-Control: no-store         | PT1M",
      "Cache-Control: no-cache         | PT1M",
      "Cache-Control: max-age=31536000 | PT24H",
      "-                               | PT5M",
  })
  void fetchThenFreshnessFollowsTheCachingHeadersWithinTheBounds(String header, Duration expected) throws Exception {
    String[] headers = {};
    if (!header.equals("-")) {
      String[] nameValue = header.split(": ", 2);
      headers = new String[] {nameValue[0], nameValue[1]};
    }
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT, headers));

    assertThat(local().build().fetch(server.url("/doc.json")).freshFor()).isEqualTo(expected);
  }

  @Test
  void fetchWhenExpiresTwoHoursAfterTheServersDateThenFreshForTwoHours() throws Exception {
    // The JDK's server stamps its own Date when it sends the headers, so Expires is computed as late as
    // possible; the two can still straddle a second boundary, hence the (generous) lower bound.
    server = DocumentServer.https(TLS, exchange -> DocumentServer.json(DOCUMENT,
        "Expires", httpDate(Instant.now().plus(Duration.ofHours(2)))).respond(exchange));

    assertThat(local().build().fetch(server.url("/doc.json")).freshFor())
        .isBetween(Duration.ofHours(2).minusMinutes(1), Duration.ofHours(2));
  }

  @Test
  void fetchWhenFreshnessBoundsAreConfiguredThenUsesThem() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    DocumentFetcher fetcher = local()
        .freshness(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(10)).build();

    assertThat(fetcher.fetch(server.url("/doc.json")).freshFor()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void buildWhenOptionsConflictOrAreOutOfRangeThenFails() {
    assertThatThrownBy(() -> DocumentFetcher.builder().connectTimeout(Duration.ofSeconds(10)).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DocumentFetcher.builder().maxBytes(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DocumentFetcher.builder().totalTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DocumentFetcher.builder().egressProxy("proxy.corp", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DocumentFetcher.builder()
        .freshness(Duration.ofHours(2), Duration.ofMinutes(5), Duration.ofHours(24)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fetchedDocumentWhenTheCallerChangesTheArraysThenTheDocumentDoesNotChange() {
    byte[] body = {1, 2, 3};
    FetchedDocument document = new FetchedDocument(body, null, Duration.ofMinutes(1));
    body[0] = 9;
    document.body()[1] = 9;

    assertThat(document.body()).containsExactly(1, 2, 3);
    assertThat(document).isEqualTo(new FetchedDocument(new byte[] {1, 2, 3}, null, Duration.ofMinutes(1)));
    assertThat(document.toString()).contains("3 bytes");
  }

  private static String httpDate(Instant instant) {
    return HTTP_DATE.format(instant.atOffset(ZoneOffset.UTC));
  }

  private static byte[] filled(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 'a');
    return bytes;
  }
}
