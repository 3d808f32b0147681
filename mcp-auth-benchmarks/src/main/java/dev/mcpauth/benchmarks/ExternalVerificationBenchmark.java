package dev.mcpauth.benchmarks;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mcpauth.resource.ResourceServer;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.token.VerifiedToken;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a resource server pays to check an external authorization server's tokens: JWTs verified
 * against the issuer's JWKS (RS256, as Keycloak, Entra and Okta sign by default) and opaque tokens
 * introspected (RFC 7662), each with a warm verification cache (the token was seen before) and a
 * cold one (every call a miss: a signature check, or an HTTP round trip to the issuer). The issuer
 * is a JDK HTTP server on loopback in this JVM, so the cold introspection figure is a floor: a real
 * issuer adds its own work and the network.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class ExternalVerificationBenchmark {
  private static final String RESOURCE = "https://mcp.example.com/mcp";
  private static final int POOL = 1_000;

  private HttpServer issuerServer;
  private TokenVerifier jwtWarm;
  private TokenVerifier jwtCold;
  private TokenVerifier introspectionWarm;
  private TokenVerifier introspectionCold;
  private String[] jwts;
  private String[] opaque;

  @Setup
  public void setUp() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    // Without it the JDK server's small writes meet the client's delayed ACK: 40 ms a request.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    issuerServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    issuerServer.setExecutor(Executors.newFixedThreadPool(4));
    String issuer = "http://localhost:" + issuerServer.getAddress().getPort();
    long exp = Instant.now().plusSeconds(3600).getEpochSecond();
    String active = "{\"active\":true,\"iss\":\"" + issuer + "\",\"sub\":\"alice\",\"client_id\":\"claude\","
        + "\"scope\":\"mcp:read\",\"aud\":\"" + RESOURCE + "\",\"exp\":" + exp + "}";
    String metadata = "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
        + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
        + "\"introspection_endpoint\":\"" + issuer + "/introspect\",\"response_types_supported\":[\"code\"]}";
    String jwks = new JWKSet(key.toPublicJWK()).toString();
    issuerServer.createContext("/", exchange -> respond(exchange, switch (exchange.getRequestURI().getPath()) {
      case "/.well-known/oauth-authorization-server" -> metadata;
      case "/jwks" -> jwks;
      case "/introspect" -> { exchange.getRequestBody().readAllBytes(); yield active; }
      default -> "{}";
    }));
    issuerServer.start();

    jwts = new String[POOL];
    opaque = new String[POOL];
    for (int i = 0; i < POOL; i++) {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(),
          new JWTClaimsSet.Builder().issuer(issuer).subject("alice").audience(RESOURCE).claim("azp", "claude")
              .claim("scope", "mcp:read").jwtID("t" + i).expirationTime(Date.from(Instant.ofEpochSecond(exp))).build());
      jwt.sign(new RSASSASigner(key));
      jwts[i] = jwt.serialize();
      opaque[i] = "opaque-token-" + i;
    }
    jwtWarm = ResourceServer.builder().issuer(issuer).resource(RESOURCE).build().verifier();
    jwtCold = ResourceServer.builder().issuer(issuer).resource(RESOURCE).verificationCacheSize(1).build().verifier();
    introspectionWarm = ResourceServer.builder().issuer(issuer).resource(RESOURCE)
        .introspection("rs", "secret").build().verifier();
    introspectionCold = ResourceServer.builder().issuer(issuer).resource(RESOURCE)
        .introspection("rs", "secret").verificationCacheSize(1).build().verifier();
    for (int i = 0; i < POOL; i++) { // warm the caches (and discover the issuer, fetch the JWKS)
      jwtWarm.verify(jwts[i]);
      introspectionWarm.verify(opaque[i]);
    }
    jwtCold.verify(jwts[0]);
    introspectionCold.verify(opaque[0]);
  }

  @TearDown
  public void tearDown() {
    issuerServer.stop(0);
    ((java.util.concurrent.ExecutorService) issuerServer.getExecutor()).shutdownNow();
  }

  /** A JWT seen before: SHA-256 and a map lookup. */
  @Benchmark
  public VerifiedToken jwtWarmCache() {
    return jwtWarm.verify(jwts[ThreadLocalRandom.current().nextInt(POOL)]);
  }

  /** A JWT not in the cache: parse, RS256 signature check with the cached JWKS, claim checks, mapping. */
  @Benchmark
  public VerifiedToken jwtColdCache() {
    return jwtCold.verify(jwts[ThreadLocalRandom.current().nextInt(POOL)]);
  }

  /** An opaque token introspected before: SHA-256 and a map lookup. */
  @Benchmark
  public VerifiedToken introspectionWarmCache() {
    return introspectionWarm.verify(opaque[ThreadLocalRandom.current().nextInt(POOL)]);
  }

  /** An opaque token not in the cache: one introspection request to the issuer on loopback. */
  @Benchmark
  public VerifiedToken introspectionColdCache() {
    return introspectionCold.verify(opaque[ThreadLocalRandom.current().nextInt(POOL)]);
  }

  private static void respond(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
