package dev.mcpauth.examples.proxy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.examples.Listeners;
import dev.mcpauth.examples.NoSniff;
import dev.mcpauth.servlet.ConsentPage;
import dev.mcpauth.servlet.McpAuthServlets;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.store.redis.RedisStorage;
import dev.mcpauth.token.SigningKey;
import dev.mcpauth.upstream.UpstreamProvider;
import dev.mcpauth.upstream.UpstreamTokenSealer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example jar's {@code proxy} mode: mcp-auth's authorization server with the federated login,
 * in front of an MCP server it may also start. A drop-in for the seed's Node.js OAuth proxy.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  private final Server jetty;
  private final McpServerProcess mcpServer;
  private final AutoCloseable storage;
  private final String baseUrl;

  private ProxyServer(Server jetty, McpServerProcess mcpServer, AutoCloseable storage, String baseUrl) {
    this.jetty = jetty;
    this.mcpServer = mcpServer;
    this.storage = storage;
    this.baseUrl = baseUrl;
  }

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(ProxyOptions.USAGE);
      return;
    }
    ProxyServer proxy;
    try {
      proxy = start(ProxyOptions.parse(System.getenv(), args));
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println(e.getMessage() + "\n\n" + ProxyOptions.USAGE);
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "shutdown"));
    System.out.println("MCP endpoint: " + proxy.mcpEndpoint());
    System.out.flush();
    proxy.jetty.join();
  }

  static ProxyServer start(ProxyOptions options) throws Exception {
    Storage storage = options.redisUrl() != null
        ? RedisStorage.connect(URI.create(options.redisUrl())).build() : new InMemoryStorage(Clock.systemUTC());
    String resource = options.baseUrl() + "/mcp";
    AuthorizationServer.Builder builder = AuthorizationServer.builder()
        .issuer(options.baseUrl())
        .resource(resource)
        .resourceName("mcp-auth proxy")
        .scopes("mcp")
        .storage(storage)
        .upstream(provider(options), sealer(options));
    keys(options, builder);
    AuthorizationServer server = builder.build();
    McpAuthServlets auth = McpAuthServlets.builder(server)
        .pages(ConsentPage.withUpstreamLogin(server.upstreamLogin().orElseThrow()))
        .build();

    McpServerProcess process = options.runCommand() == null ? null : new McpServerProcess(options.runCommand());
    Server jetty = Listeners.newServer();
    Listeners.open(jetty, options.port(), URI.create(options.baseUrl()).getHost());
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder proxy = new ServletHolder("mcp-proxy", new AuthorizingProxyServlet(options.mcpServerUrl(),
        server.upstreamSession().orElseThrow(), server::revokeGrant, auth.resourceMetadataUrl()));
    proxy.setAsyncSupported(true);
    proxy.setInitParameter("timeout", "0"); // SSE streams last as long as they last
    proxy.setInitParameter("idleTimeout", "300000");
    context.addServlet(proxy, auth.mcpPath());
    context.addServletContainerInitializer(auth.initializer());
    NoSniff.serve(jetty, context);
    jetty.start();
    return new ProxyServer(jetty, process, storage instanceof RedisStorage redis ? redis::close : () -> { },
        options.baseUrl());
  }

  private static UpstreamProvider provider(ProxyOptions options) throws Exception {
    UpstreamProvider.Builder provider = UpstreamProvider.builder()
        .client(options.identityClientId(), options.identityClientSecret())
        .callbackUri(options.baseUrl() + "/interaction/identity/callback");
    if (options.identityMetadataFile() != null) {
      provider.metadata(Files.readString(Path.of(options.identityMetadataFile())));
    } else {
      provider.issuer(options.identityServerUrl());
    }
    if (options.identityScope() != null) {
      provider.scopes(options.identityScope().trim().split("\\s+"));
    }
    return provider.build();
  }

  private static UpstreamTokenSealer sealer(ProxyOptions options) {
    if (options.upstreamTokenKey() != null) {
      return UpstreamTokenSealer.of(options.upstreamTokenKey());
    }
    LOG.warn("No MCP_AUTH_UPSTREAM_TOKEN_KEY: upstream tokens are sealed with a key of this process only.");
    return UpstreamTokenSealer.of(UpstreamTokenSealer.newKey());
  }

  /**
   * OIDC_PROVIDER_JWKS, as the seed has it: a JSON array of private JWKs (or a JWKS); the first signs.
   * The others verify only what they signed by OIDC_PROVIDER_JWKS_RETIRED_AT, which must be set.
   */
  private static void keys(ProxyOptions options, AuthorizationServer.Builder builder) throws Exception {
    if (options.signingJwks() == null) {
      return; // the server logs that it generated a key for this process only
    }
    String json = options.signingJwks().trim();
    List<JWK> keys = JWKSet.parse(json.startsWith("[") ? "{\"keys\":" + json + "}" : json).getKeys();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("OIDC_PROVIDER_JWKS holds no key");
    }
    builder.signingKey(SigningKey.fromJwk(keys.get(0).toJSONString()));
    if (keys.size() > 1 && options.keysRetiredAt() == null) {
      // Not the start-up time: a restart would move it, and a retired key would verify what it signed since.
      throw new IllegalArgumentException("OIDC_PROVIDER_JWKS holds " + keys.size() + " keys: set"
          + " OIDC_PROVIDER_JWKS_RETIRED_AT to when the keys after the first stopped signing, e.g. 2026-01-01T12:00:00Z");
    }
    for (JWK retired : keys.subList(1, keys.size())) {
      builder.retiredSigningKey(SigningKey.fromJwk(retired.toJSONString()), options.keysRetiredAt());
    }
  }

  public URI mcpEndpoint() {
    return URI.create(baseUrl + "/mcp");
  }

  long mcpServerPid() {
    return mcpServer.pid();
  }

  @Override
  public void close() {
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("Stopping failed: {}", e.toString());
    }
    if (mcpServer != null) {
      mcpServer.close();
    }
    try {
      storage.close();
    } catch (Exception e) {
      LOG.warn("Closing the store failed: {}", e.toString());
    }
  }
}
