package dev.mcpauth.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mcpauth.fetch.FetchException.Reason;
import dev.mcpauth.testing.TestTls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Through an egress proxy the host is still resolved and checked here, and the proxy is asked to
 * CONNECT to the checked address, never to the name; TLS in the tunnel verifies the name.
 */
class EgressProxyTest {
  private static final TestTls TLS = TestTls.create("cimd.test");
  private static final String DOCUMENT = "{\"client_id\":\"https://cimd.test/client.json\"}";

  private DocumentServer server;
  private ConnectProxy proxy;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  private DocumentFetcher.Builder throughProxy(ScriptedResolver resolver) {
    return DocumentFetcher.builder().hostResolver(resolver).sslContext(TLS.clientContext())
        .egressProxy("127.0.0.1", proxy.port());
  }

  @Test
  void fetchThroughTheProxyThenConnectsToTheCheckedAddressAndTlsVerifiesTheName() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    proxy = ConnectProxy.relaying();
    ScriptedResolver resolver = new ScriptedResolver().answer("cimd.test", "127.0.0.1");

    FetchedDocument document = throughProxy(resolver).insecureAllowLoopback().build()
        .fetch(server.url("cimd.test", "/client.json"));

    assertThat(new String(document.body(), StandardCharsets.UTF_8)).isEqualTo(DOCUMENT);
    assertThat(proxy.requestLines()).containsExactly("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1");
    assertThat(resolver.calls()).isEqualTo(1);
    assertThat(server.sniNames()).containsExactly("cimd.test");
    assertThat(server.requests()).singleElement().satisfies(request -> {
      assertThat(request.path()).isEqualTo("/client.json"); // origin form inside the tunnel
      assertThat(request.header("Host")).isEqualTo("cimd.test:" + server.port());
    });
  }

  @Test
  void fetchThroughTheProxyWhenTheHostIsSpecialUseThenRefusedBeforeTheProxyIsAsked() throws Exception {
    proxy = ConnectProxy.relaying();
    ScriptedResolver resolver = new ScriptedResolver().answer("cimd.test", "10.0.0.1");

    FetchException e = catchThrowableOfType(FetchException.class,
        () -> throughProxy(resolver).build().fetch(URI.create("https://cimd.test/client.json")));

    assertThat(e.reason()).isEqualTo(Reason.SPECIAL_USE_ADDRESS);
    assertThat(proxy.requestLines()).isEmpty();
  }

  @Test
  void fetchThroughTheProxyWhenTheCertificateDoesNotNameTheHostThenTlsFails() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    proxy = ConnectProxy.relaying();
    // The tunnel goes to 127.0.0.1, which the certificate names; other.test it does not.
    ScriptedResolver resolver = new ScriptedResolver().answer("other.test", "127.0.0.1");

    FetchException e = catchThrowableOfType(FetchException.class,
        () -> throughProxy(resolver).insecureAllowLoopback().build().fetch(server.url("other.test", "/client.json")));

    assertThat(e.reason()).isEqualTo(Reason.TLS_FAILED);
    assertThat(proxy.requestLines()).containsExactly("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void fetchThroughTheProxyWhenTheProxyRefusesTheTunnelThenProxyRefused() throws Exception {
    server = DocumentServer.https(TLS, DocumentServer.json(DOCUMENT));
    proxy = ConnectProxy.refusing();
    ScriptedResolver resolver = new ScriptedResolver().answer("cimd.test", "127.0.0.1");

    FetchException e = catchThrowableOfType(FetchException.class,
        () -> throughProxy(resolver).insecureAllowLoopback().build().fetch(server.url("cimd.test", "/client.json")));

    assertThat(e.reason()).isEqualTo(Reason.PROXY_REFUSED);
    assertThat(e.safeMessage()).isEqualTo("the egress proxy refused the connection");
    assertThat(e.status()).isEmpty(); // the proxy's status is no server's answer
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void fetchThroughTheProxyWhenPlainHttpToLoopbackThenTunnelsToo() throws Exception {
    server = DocumentServer.http(DocumentServer.json(DOCUMENT));
    proxy = ConnectProxy.relaying();
    ScriptedResolver resolver = new ScriptedResolver().answer("localhost", "127.0.0.1");

    FetchedDocument document = throughProxy(resolver).insecureAllowLoopback().build()
        .fetch(server.url("localhost", "/client.json"));

    assertThat(document.body()).isEqualTo(DOCUMENT.getBytes(StandardCharsets.UTF_8));
    assertThat(proxy.requestLines()).containsExactly("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1");
    assertThat(server.requests()).singleElement()
        .satisfies(request -> assertThat(request.header("Host")).isEqualTo("localhost:" + server.port()));
  }
}
