package dev.mcpauth.resource;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An authorization server the test controls, over real HTTP on loopback: metadata at one chosen
 * discovery URL, a JWKS whose keys the test rotates, and an introspection endpoint whose answers
 * the test scripts. Counts the requests to each path. Thread-safe.
 */
public final class TestIssuer implements AutoCloseable {
  private final HttpServer server;
  private final String issuer;
  private final List<JWK> keys = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private volatile String metadataPath;
  private volatile String namedIssuer;
  private volatile Function<String, String> introspection = token -> "{\"active\":false}";
  private volatile int introspectionStatus = 200;
  private volatile long jwksDelayMillis;
  private volatile long metadataDelayMillis;
  private volatile int tokenStatus = 404;
  private volatile Function<String, String> tokenAnswer = form -> "{\"error\":\"not_found\"}";
  private volatile long tokenDelayMillis;
  private volatile String jwksBody;
  private volatile String lastIntrospectionAuthorization;
  private volatile boolean issParameterSupported;

  /** @param issuerPath the issuer's path, e.g. {@code /realms/mcp}, or empty */
  public TestIssuer(String issuerPath) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    issuer = "http://localhost:" + server.getAddress().getPort() + issuerPath;
    namedIssuer = issuer;
    metadataPath = "/.well-known/oauth-authorization-server" + issuerPath;
  }

  public String issuer() {
    return issuer;
  }

  /** Serve the metadata at this path only (others get 404). */
  TestIssuer metadataAt(String path) {
    this.metadataPath = path;
    return this;
  }

  /** The {@code issuer} the metadata names; the real one by default. */
  TestIssuer namingIssuer(String named) {
    this.namedIssuer = named;
    return this;
  }

  /** Whether the metadata says authorization responses carry {@code iss} (RFC 9207 §3). */
  public TestIssuer issParameterSupported(boolean supported) {
    this.issParameterSupported = supported;
    return this;
  }

  public TestIssuer publish(JWK... published) {
    keys.clear();
    keys.addAll(List.of(published));
    return this;
  }

  /** How the token endpoint answers a form, after {@code delayMillis}. */
  public TestIssuer token(int status, long delayMillis, Function<String, String> answer) {
    this.tokenStatus = status;
    this.tokenDelayMillis = delayMillis;
    this.tokenAnswer = answer;
    return this;
  }

  /** Answer the JWKS with this body instead of the keys (a broken JWKS). */
  TestIssuer jwksBody(String body) {
    this.jwksBody = body;
    return this;
  }

  TestIssuer metadataDelay(long millis) {
    this.metadataDelayMillis = millis;
    return this;
  }

  TestIssuer jwksDelay(long millis) {
    this.jwksDelayMillis = millis;
    return this;
  }

  /** How the introspection endpoint answers a token. */
  TestIssuer introspection(int status, Function<String, String> answer) {
    this.introspectionStatus = status;
    this.introspection = answer;
    return this;
  }

  /** The {@code Authorization} header of the last introspection request. */
  String lastIntrospectionAuthorization() {
    return lastIntrospectionAuthorization;
  }

  public int hits(String path) {
    return hits.getOrDefault(path, new AtomicInteger()).get();
  }

  /** A JWT signed with {@code key}, with {@code typ: JWT} and the given claims on top of defaults. */
  public String sign(JWK key, JWSAlgorithm algorithm, Map<String, Object> claims) throws Exception {
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
        .issuer(issuer).subject("alice").audience(ResourceServerTest.RESOURCE)
        .expirationTime(Date.from(Instant.now().plusSeconds(300))).claim("scope", "mcp:read").jwtID("jti-1");
    claims.forEach(builder::claim);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
        builder.build());
    JWSSigner signer = new DefaultJWSSignerFactory().createJWSSigner(key, algorithm);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    String base = "http://localhost:" + server.getAddress().getPort();
    if (path.equals(metadataPath)) {
      sleep(metadataDelayMillis);
      respond(exchange, 200, "{\"issuer\":\"" + namedIssuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
          + "\"token_endpoint\":\"" + base + "/token\",\"jwks_uri\":\"" + base + "/jwks\","
          + "\"introspection_endpoint\":\"" + base + "/introspect\",\"response_types_supported\":[\"code\"],"
          + "\"authorization_response_iss_parameter_supported\":" + issParameterSupported + "}");
    } else if (path.equals("/jwks")) {
      sleep(jwksDelayMillis);
      respond(exchange, 200, jwksBody != null ? jwksBody : new JWKSet(new ArrayList<>(keys)).toString(true));
    } else if (path.equals("/token") && exchange.getRequestMethod().equals("POST")) {
      String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      sleep(tokenDelayMillis);
      respond(exchange, tokenStatus, tokenAnswer.apply(form));
    } else if (path.equals("/introspect") && exchange.getRequestMethod().equals("POST")) {
      lastIntrospectionAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
      String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String token = java.net.URLDecoder.decode(form.replaceAll("(^|.*&)token=([^&]*).*", "$2"), StandardCharsets.UTF_8);
      respond(exchange, introspectionStatus, introspection.apply(token));
    } else {
      respond(exchange, 404, "{\"error\":\"not_found\"}");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
