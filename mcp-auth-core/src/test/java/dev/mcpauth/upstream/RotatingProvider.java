package dev.mcpauth.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An upstream provider over real HTTP on loopback whose token endpoint rotates refresh tokens with
 * reuse detection (OAuth 2.1 §4.3.1): each refresh token works once; presented again, every token of
 * its family is revoked and the answer is {@code invalid_grant} (RFC 6749 §5.2). Like oidc-provider,
 * it answers errors as an HTML page unless the request accepts {@code application/json}; its user info
 * does the same. Counts how often each refresh token was presented. Thread-safe.
 */
public final class RotatingProvider implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger issued = new AtomicInteger();
  /** Refresh token → its family; a family is revoked as a whole. */
  private final Map<String, String> families = new ConcurrentHashMap<>();
  private final Set<String> used = ConcurrentHashMap.newKeySet();
  private final Set<String> revokedFamilies = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> presented = new ConcurrentHashMap<>();
  private final Map<String, String> accepts = new ConcurrentHashMap<>();
  /** A hold armed for the next refresh, and one whose refresh is waiting at the provider. */
  private final AtomicReference<Hold> hold = new AtomicReference<>();
  private final AtomicReference<Hold> waiting = new AtomicReference<>();
  private volatile Scripted scripted;
  private volatile boolean htmlErrorsAlways;

  /** A scripted answer of the token endpoint, instead of the real one. */
  private record Scripted(int status, String contentType, String body) {}

  public RotatingProvider() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  public String base() {
    return "http://localhost:" + server.getAddress().getPort();
  }

  /** This provider as configured at mcp-auth: static metadata, a confidential client, no OpenID. */
  public UpstreamProvider upstreamProvider() {
    String base = base();
    return UpstreamProvider.builder()
        .metadata("{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"" + base + "/authorize\","
            + "\"token_endpoint\":\"" + base + "/token\",\"userinfo_endpoint\":\"" + base + "/userinfo\","
            + "\"response_types_supported\":[\"code\"]}")
        .client("mcp-auth", "upstream-secret")
        .scopes("profile")
        .callbackUri("http://localhost:8080/interaction/identity/callback")
        .build();
  }

  /** A new family's first refresh token, valid once. */
  public String seed() {
    String token = "rt-" + issued.incrementAndGet();
    families.put(token, token);
    return token;
  }

  /** How many times {@code refreshToken} was sent to the token endpoint. */
  public int presentations(String refreshToken) {
    AtomicInteger count = presented.get(refreshToken);
    return count == null ? 0 : count.get();
  }

  /** How many times each refresh token was sent, for a failure message. */
  public Map<String, Integer> presentations() {
    Map<String, Integer> copy = new java.util.TreeMap<>();
    presented.forEach((token, count) -> copy.put(token, count.get()));
    return copy;
  }

  /** Whether the family of {@code refreshToken} was revoked for reuse. */
  public boolean revoked(String refreshToken) {
    String family = families.get(refreshToken);
    return family != null && revokedFamilies.contains(family);
  }

  /** The {@code Accept} header of the last request to {@code path}, or {@code null}. */
  public String accept(String path) {
    return accepts.get(path);
  }

  /** Error pages in HTML even to a request that accepts JSON (a proxy's or a misconfigured provider's). */
  public RotatingProvider htmlErrorsAlways() {
    this.htmlErrorsAlways = true;
    return this;
  }

  /** The token endpoint answers this from now on, whatever it is sent. */
  public RotatingProvider tokenAnswers(int status, String contentType, String body) {
    this.scripted = new Scripted(status, contentType, body);
    return this;
  }

  /**
   * Holds the next refresh: it is decided when it arrives (its token marked used) but answered only
   * when {@link Hold#release()} is called or another refresh request arrives.
   */
  public Hold holdNextRefresh() {
    Hold next = new Hold();
    hold.set(next);
    return next;
  }

  /** A refresh held at the provider. */
  public static final class Hold {
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** Waits until the held refresh has reached the provider (bounded by the test's timeout). */
    public void awaitArrival() throws InterruptedException {
      arrived.await();
    }

    public void release() {
      released.countDown();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    accepts.put(path, accept == null ? "" : accept);
    boolean json = accept != null && accept.contains("application/json") && !htmlErrorsAlways;
    if (path.equals("/token") && exchange.getRequestMethod().equals("POST")) {
      Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (scripted != null) {
        respond(exchange, scripted.status(), scripted.contentType(), scripted.body());
        return;
      }
      if ("authorization_code".equals(form.get("grant_type"))) {
        respond(exchange, 200, "application/json", tokens(seed()));
        return;
      }
      Hold held = hold.getAndSet(null);
      if (held == null) {
        // Another refresh while one is held: let the held one go (its answer is decided already).
        Hold other = waiting.getAndSet(null);
        if (other != null) {
          other.release();
        }
      }
      String answer = refresh(form.get("refresh_token"));
      if (held != null) {
        waiting.set(held);
        held.arrived.countDown();
        try {
          held.released.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        waiting.compareAndSet(held, null);
      }
      if (answer == null) {
        error(exchange, json, 400, "invalid_grant");
      } else {
        respond(exchange, 200, "application/json", answer);
      }
    } else if (path.equals("/userinfo")) {
      if (json) {
        respond(exchange, 200, "application/json", "{\"sub\":\"alice-upstream\"}");
      } else {
        respond(exchange, 200, "text/html; charset=utf-8", "<!DOCTYPE html><html><body>alice-upstream</body></html>");
      }
    } else {
      error(exchange, json, 404, "not_found");
    }
  }

  /** The success answer, or {@code null} for invalid_grant. */
  private String refresh(String token) {
    if (token == null) {
      return null;
    }
    presented.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
    String family = families.get(token);
    if (family == null || revokedFamilies.contains(family)) {
      return null;
    }
    if (!used.add(token)) {
      revokedFamilies.add(family); // reuse: the token was stolen or replayed; end the whole family
      return null;
    }
    String next = "rt-" + issued.incrementAndGet();
    families.put(next, family);
    return tokens(next);
  }

  private String tokens(String refreshToken) {
    return "{\"access_token\":\"at-" + refreshToken.substring(3) + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
        + "\"refresh_token\":\"" + refreshToken + "\"}";
  }

  /** oidc-provider's way: JSON to who accepts it, an HTML page to anyone else. */
  private static void error(HttpExchange exchange, boolean json, int status, String error) throws IOException {
    if (json) {
      respond(exchange, status, "application/json", "{\"error\":\"" + error + "\",\"error_description\":\"grant request is invalid\"}");
    } else {
      respond(exchange, status, "text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>oops! something went wrong"
          + "</title></head><body><h1>oops! something went wrong</h1><pre><strong>error</strong>: " + error
          + "</pre></body></html>");
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new java.util.HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
