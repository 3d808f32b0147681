package dev.mcpauth.fetch;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mcpauth.testing.TestTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A real HTTP(S) server on a loopback port (the JDK's {@code HttpsServer}), answering with a
 * responder the test sets and can change, and recording every request that reaches it and the SNI
 * host name of every TLS handshake. Thread-safe.
 */
final class DocumentServer implements AutoCloseable {
  /** How the server answers; may block (on a latch) to hold the answer. */
  @FunctionalInterface
  interface Responder {
    void respond(HttpExchange exchange) throws Exception;
  }

  /** A request as the server received it. */
  record Request(String method, String path, Headers headers) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<String> sniNames = new CopyOnWriteArrayList<>();
  private volatile Responder responder;

  private DocumentServer(TestTls tls, InetAddress address, Responder responder) throws IOException {
    this.responder = responder;
    InetSocketAddress bind = new InetSocketAddress(address, 0);
    if (tls == null) {
      server = HttpServer.create(bind, 0);
    } else {
      HttpsServer https = HttpsServer.create(bind, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(sniRecording(tls)));
      server = https;
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  static DocumentServer https(TestTls tls, Responder responder) throws IOException {
    return new DocumentServer(tls, InetAddress.getByName("127.0.0.1"), responder);
  }

  static DocumentServer https(TestTls tls, InetAddress address, Responder responder) throws IOException {
    return new DocumentServer(tls, address, responder);
  }

  static DocumentServer http(Responder responder) throws IOException {
    return new DocumentServer(null, InetAddress.getByName("127.0.0.1"), responder);
  }

  /** Answers 200 with {@code body} as {@code application/json} and the given header name/value pairs. */
  static Responder json(String body, String... headers) {
    return exchange -> {
      for (int i = 0; i < headers.length; i += 2) {
        exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      send(exchange, 200, body.getBytes(StandardCharsets.UTF_8));
    };
  }

  static Responder status(int status, String... headers) {
    return exchange -> {
      for (int i = 0; i < headers.length; i += 2) {
        exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
      }
      send(exchange, status, "{\"error\":\"server text a user must not see\"}".getBytes(StandardCharsets.UTF_8));
    };
  }

  static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  void respond(Responder responder) {
    this.responder = responder;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** {@code scheme://host:port/path} on this server's port. */
  URI url(String host, String path) {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return URI.create(scheme + "://" + host + ":" + port() + path);
  }

  URI url(String path) {
    return url("127.0.0.1", path);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<String> sniNames() {
    return List.copyOf(sniNames);
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
        exchange.getRequestHeaders()));
    try {
      responder.respond(exchange);
    } catch (IOException e) {
      // the client went away, as a client that stops reading does
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** The test certificate, with a key manager that notes the SNI name each handshake asked for. */
  private SSLContext sniRecording(TestTls tls) {
    try {
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(tls.keyStore(), TestTls.KEY_STORE_PASSWORD);
      X509ExtendedKeyManager keys = (X509ExtendedKeyManager) factory.getKeyManagers()[0];
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new X509ExtendedKeyManager[] {new SniRecorder(keys)}, null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class SniRecorder extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager keys;

    SniRecorder(X509ExtendedKeyManager keys) {
      this.keys = keys;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      SSLSession handshake = engine.getHandshakeSession();
      if (handshake instanceof ExtendedSSLSession extended) {
        for (SNIServerName name : extended.getRequestedServerNames()) {
          if (name instanceof SNIHostName host) {
            sniNames.add(host.getAsciiName());
          }
        }
      }
      return keys.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return keys.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return keys.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return keys.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return keys.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }
}
