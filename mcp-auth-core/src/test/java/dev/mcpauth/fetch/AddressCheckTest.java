package dev.mcpauth.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mcpauth.fetch.FetchException.Reason;
import dev.mcpauth.testing.TestTls;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SSRF boundary: every resolved address is checked before any connection, the connection goes
 * only to a checked address (one lookup, so no DNS rebinding), and TLS still verifies the URL's name.
 */
class AddressCheckTest {
  private static final TestTls TLS = TestTls.create("cimd.test");
  private static final String DOCUMENT = "{\"keys\":[]}";

  private DocumentServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "169.254.169.254", "0.0.0.0", "::1", "::ffff:127.0.0.1",
      "::ffff:10.0.0.1", "fc00::1", "fe80::1", "2002:7f00:1::", "100.64.0.1", "64:ff9b::7f00:1", "ff02::1"})
  void fetchWhenTheHostResolvesToASpecialUseAddressThenRefusedWithoutConnecting(String address) throws Exception {
    try (ConnectionCounter counter = new ConnectionCounter()) {
      ScriptedResolver resolver = new ScriptedResolver().answer("cimd.test", address);
      DocumentFetcher fetcher = DocumentFetcher.builder().hostResolver(resolver).sslContext(TLS.clientContext()).build();

      FetchException e = catchThrowableOfType(FetchException.class,
          () -> fetcher.fetch(URI.create("https://cimd.test:" + counter.port() + "/client.json")));

      assertThat(e.reason()).isEqualTo(Reason.SPECIAL_USE_ADDRESS);
      assertThat(e.safeMessage()).isEqualTo("the host resolves to a private or special-use address");
      assertThat(e.internalDetail()).contains("cimd.test"); // the operator's log may name the address
      assertThat(resolver.calls()).isEqualTo(1);
      // Loopback, 0.0.0.0 and mapped loopback would all have reached the counter's port.
      assertThat(counter.connectionsSoFar()).isZero();
    }
  }

  @Test
  void fetchWhenTheResolverAnswersAnIpv4MappedIpv6AddressThenJudgesTheEmbeddedAddress() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    InetAddress ipv6Form = Inet6Address.getByAddress(null, mapped, -1);
    try (ConnectionCounter counter = new ConnectionCounter()) {
      ScriptedResolver resolver = new ScriptedResolver().answer("cimd.test", List.of(ipv6Form), null);
      DocumentFetcher fetcher = DocumentFetcher.builder().hostResolver(resolver).build();

      FetchException e = catchThrowableOfType(FetchException.class,
          () -> fetcher.fetch(URI.create("https://cimd.test:" + counter.port() + "/client.json")));

      assertThat(e.reason()).isEqualTo(Reason.SPECIAL_USE_ADDRESS);
      assertThat(counter.connectionsSoFar()).isZero();
    }
  }

  @Test
  void fetchWhenAnyOfSeveralAddressesIsSpecialUseThenRefused() {
    ScriptedResolver resolver = new ScriptedResolver().answer("cimd.test", "1.1.1.1", "2606:4700:4700::1111", "10.0.0.1");

    FetchException e = catchThrowableOfType(FetchException.class, () -> DocumentFetcher.builder()
        .hostResolver(resolver).build().fetch(URI.create("https://cimd.test/client.json")));

    assertThat(e.reason()).isEqualTo(Reason.SPECIAL_USE_ADDRESS);
  }

  @Test
  void fetchWhenTheRelaxationIsOnThenOnlyLoopbackIsAllowedOtherSpecialUseStaysRefused() {
    ScriptedResolver resolver = new ScriptedResolver().answer("cimd.test", "127.0.0.1", "169.254.169.254");

    FetchException e = catchThrowableOfType(FetchException.class, () -> DocumentFetcher.builder()
        .insecureAllowLoopback().hostResolver(resolver).build().fetch(URI.create("https://cimd.test/client.json")));

    assertThat(e.reason()).isEqualTo(Reason.SPECIAL_USE_ADDRESS);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void fetchWhenTheHostHasNoAddressThenUnresolvable(boolean emptyAnswer) {
    HostResolver resolver = emptyAnswer ? host -> List.of() : new ScriptedResolver();

    FetchException e = catchThrowableOfType(FetchException.class, () -> DocumentFetcher.builder()
        .hostResolver(resolver).build().fetch(URI.create("https://nowhere.test/client.json")));

    assertThat(e.reason()).isEqualTo(Reason.UNRESOLVABLE);
    assertThat(e.safeMessage()).isEqualTo("the host name could not be resolved");
  }

  /**
   * DNS rebinding: the name first resolves to a public address, which passes, then to loopback. A
   * fetcher that looked the name up again to connect would reach the local server.
   */
  @Test
  void fetchWhenTheNameRebindsToLoopbackAfterTheCheckThenTheLoopbackServerIsNeverReached() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    ScriptedResolver resolver = new ScriptedResolver().answer("cimd.test",
        ScriptedResolver.addresses("1.1.1.1"), ScriptedResolver.addresses("127.0.0.1"));
    DocumentFetcher fetcher = DocumentFetcher.builder()
        .insecureAllowLoopback() // so that loopback would be allowed, had it been what was checked
        .hostResolver(resolver)
        .sslContext(TLS.clientContext())
        .connectTimeout(Duration.ofMillis(300))
        .totalTimeout(Duration.ofSeconds(2))
        .build();

    FetchException e = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(server.url("cimd.test", "/client.json")));

    // 1.1.1.1 on the test server's port does not answer from here (or, should it, not with our CA).
    assertThat(e.reason()).isIn(Reason.CONNECT_FAILED, Reason.TIMEOUT, Reason.TLS_FAILED, Reason.BAD_RESPONSE);
    assertThat(resolver.calls()).isEqualTo(1);
    assertThat(server.requests()).isEmpty();
    assertThat(server.sniNames()).isEmpty();
  }

  @Test
  void fetchWhenTheNameIsMadeUpThenConnectsToTheCheckedAddressWithTheNameForHostSniAndCertificate()
      throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    ScriptedResolver resolver = new ScriptedResolver().answer("cimd.test", "127.0.0.1");
    DocumentFetcher fetcher = DocumentFetcher.builder()
        .insecureAllowLoopback().hostResolver(resolver).sslContext(TLS.clientContext()).build();

    FetchedDocument document = fetcher.fetch(server.url("cimd.test", "/client.json"));

    assertThat(new String(document.body(), StandardCharsets.UTF_8)).isEqualTo(DOCUMENT);
    assertThat(resolver.calls()).isEqualTo(1);
    assertThat(server.sniNames()).containsExactly("cimd.test");
    assertThat(server.requests()).singleElement()
        .satisfies(request -> assertThat(request.header("Host")).isEqualTo("cimd.test:" + server.port()));
  }

  @Test
  void fetchWhenTheCertificateDoesNotNameTheHostThenTlsFailsEvenThoughItNamesTheAddress() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    // The certificate names 127.0.0.1 but not other.test: verification must be against the name.
    ScriptedResolver resolver = new ScriptedResolver().answer("other.test", "127.0.0.1");
    DocumentFetcher fetcher = DocumentFetcher.builder()
        .insecureAllowLoopback().hostResolver(resolver).sslContext(TLS.clientContext()).build();

    FetchException e = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(server.url("other.test", "/client.json")));

    assertThat(e.reason()).isEqualTo(Reason.TLS_FAILED);
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void fetchWhenTheHostIsAnIpLiteralThenTheResolverIsNotAsked() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    ScriptedResolver resolver = new ScriptedResolver();

    DocumentFetcher.builder().insecureAllowLoopback().hostResolver(resolver).sslContext(TLS.clientContext()).build()
        .fetch(server.url("/client.json"));

    assertThat(resolver.calls()).isZero();
    assertThat(server.requests()).hasSize(1);
  }
}
