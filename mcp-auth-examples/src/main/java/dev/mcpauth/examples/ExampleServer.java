package dev.mcpauth.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.client.PreRegisteredClients;
import dev.mcpauth.fetch.DocumentFetcher;
import dev.mcpauth.ratelimit.RateLimit;
import dev.mcpauth.examples.proxy.ProxyServer;
import dev.mcpauth.resource.ClaimsMapping;
import dev.mcpauth.resource.ResourceServer;
import dev.mcpauth.servlet.ConsentPage;
import dev.mcpauth.servlet.InteractionHandler;
import dev.mcpauth.servlet.McpAuthContextExtractor;
import dev.mcpauth.servlet.McpAuthServlets;
import dev.mcpauth.servlet.McpErrorBodies;
import dev.mcpauth.guard.OriginGuard;
import dev.mcpauth.servlet.PasswordHash;
import dev.mcpauth.guard.ScopePolicy;
import dev.mcpauth.servlet.UserAuthenticator;
import dev.mcpauth.token.SigningKey;
import dev.mcpauth.upstream.UpstreamProvider;
import dev.mcpauth.upstream.UpstreamTokenSealer;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MCP server built with the official MCP Java SDK on embedded Jetty 12, guarded by mcp-auth with
 * its embedded authorization server or, with {@code --authorization-server}, as a resource server for
 * an external one: the example of how the library is used, and a server to point MCP clients at.
 */
public final class ExampleServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExampleServer.class);
  static final String DEMO_USER = "demo";
  private static final String RESOURCE_NAME = "mcp-auth example";

  private final Server jetty;
  private final CompletableFuture<McpParts> mcp;
  private final AuthorizationServer authorizationServer;
  private final ExampleStore store;
  private final String baseUrl;

  private ExampleServer(Server jetty, CompletableFuture<McpParts> mcp, AuthorizationServer authorizationServer, ExampleStore store,
      String baseUrl) {
    this.jetty = jetty;
    this.mcp = mcp;
    this.authorizationServer = authorizationServer;
    this.store = store;
    this.baseUrl = baseUrl;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("proxy")) {
      ProxyServer.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    ExampleOptions options;
    try {
      options = ExampleOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage() + "\n\n" + ExampleOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(ExampleOptions.USAGE);
      return;
    }
    if (options.newSigningKey()) {
      System.out.println(new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate().toJSONString());
      return;
    }
    if (options.hashPassword()) {
      char[] password = readPassword(System.console(), System.in);
      if (password == null || password.length == 0) {
        System.err.println("Error: no password given");
        System.exit(2);
        return;
      }
      System.out.println(PasswordHash.of(password).encoded());
      Arrays.fill(password, '\0');
      return;
    }
    ExampleServer server;
    try {
      server = start(options);
    } catch (IllegalStateException | IllegalArgumentException e) { // refused configuration, or a store that cannot open
      System.err.println("Error: " + e.getMessage());
      System.exit(2);
      return;
    } catch (IOException e) { // the port is taken, or the address is not this machine's
      System.err.println("Error: cannot listen on port " + options.port() + ": " + e.getMessage()
          + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
    System.out.println("MCP endpoint: " + server.mcpEndpoint());
    System.out.flush();
    server.jetty.join();
  }

  /**
   * The password for {@code --hash-password}: typed twice at the terminal without echo, or the first
   * line of standard input when there is no terminal (a pipe); {@code null} when they differ or none
   * is given.
   */
  static char[] readPassword(Console console, InputStream in) throws IOException {
    if (console != null) {
      char[] password = console.readPassword("Password: ");
      char[] again = password == null ? null : console.readPassword("Again: ");
      if (again == null || !Arrays.equals(password, again)) {
        System.err.println("The passwords differ.");
        return null;
      }
      Arrays.fill(again, '\0');
      return password;
    }
    String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    return line == null ? null : line.toCharArray();
  }

  /** Starts the server; it is ready when this returns. */
  static ExampleServer start(ExampleOptions options) throws Exception {
    return start(options, UnaryOperator.identity());
  }

  /**
   * Starts the server, letting a test tune the resource server (shorter refresh intervals) before
   * it is built; the tuning is ignored in embedded mode.
   */
  static ExampleServer start(ExampleOptions options, UnaryOperator<ResourceServer.Builder> tuning) throws Exception {
    // Jetty's classes load and its listeners open on the second CPU while this thread builds the
    // authorization server: at start-up the two are the longest tasks, and neither needs the other.
    CompletableFuture<Listening> listening = inBackground("jetty-start", () -> Listening.open(options));
    // Likewise a signing key, when none is given: the first use of the JCA and of Nimbus's JSON.
    CompletableFuture<SigningKey> newKey = options.signingKey() == null && !options.resourceServerMode()
        ? inBackground("signing-key", SigningKey::generate)
        : null;
    try {
      return start(options, tuning, listening, newKey);
    } catch (Exception | Error e) {
      listening.thenAccept(Listening::close);
      throw e;
    }
  }

  private static ExampleServer start(ExampleOptions options, UnaryOperator<ResourceServer.Builder> tuning,
      CompletableFuture<Listening> listening, CompletableFuture<SigningKey> newKey) throws Exception {
    // With --port 0 and no --base-url the base URL names the port the listener got.
    String baseUrl = options.baseUrl() != null ? options.baseUrl()
        : options.port() != 0 ? "http://localhost:" + options.port()
        : "http://localhost:" + joined(listening).port();
    String resource = baseUrl + "/mcp";

    ScopePolicy scopePolicy = ScopePolicy.builder().always(ExampleTools.READ).tool("write_note", ExampleTools.WRITE).build();
    OriginGuard originGuard = OriginGuard.forResource(resource).allowOrigins(options.allowedOrigins().toArray(String[]::new));
    AuthorizationServer authorizationServer = null;
    ExampleStore store = null;
    McpAuthServlets auth;
    if (options.resourceServerMode()) {
      ResourceServer resourceServer = tuning.apply(resourceServer(options, resource)).build();
      auth = McpAuthServlets.builder(resourceServer).scopePolicy(scopePolicy).originGuard(originGuard).build();
      if (!resourceServer.discover()) {
        LOG.warn("The authorization server {} cannot be discovered yet: tokens get 503 until it can; retrying.",
            resourceServer.issuer());
      }
    } else {
      store = ExampleStore.open(options.store(), Clock.systemUTC());
      AuthorizationServer.Builder builder = AuthorizationServer.builder()
          .issuer(baseUrl)
          .resource(resource)
          .resourceName(RESOURCE_NAME)
          .scopes(ExampleTools.READ, ExampleTools.WRITE)
          .defaultScopes(ExampleTools.READ)
          .storage(store.storage());
      keys(options, store, newKey, builder);
      clients(options.clients(), builder);
      if (options.identity() != null) {
        upstream(options.identity(), baseUrl, builder);
      }
      if (options.revocationCheckInterval() != null) {
        builder.revocationCheckInterval(Duration.ofSeconds(options.revocationCheckInterval()));
      }
      options.limits().rateLimits().forEach((action, limits) -> {
        if (limits.isEmpty()) {
          builder.withoutRateLimit(action);
        } else {
          builder.rateLimit(action, limits.toArray(RateLimit[]::new));
        }
      });
      authorizationServer = builder.build();
      auth = McpAuthServlets.builder(authorizationServer)
          .pages(authorizationServer.upstreamLogin().<InteractionHandler>map(ConsentPage::withUpstreamLogin)
              .orElseGet(() -> pages(options)))
          .scopePolicy(scopePolicy)
          .originGuard(originGuard)
          .trustedProxies(options.limits().trustedProxies().toArray(String[]::new))
          .build();
    }

    // Built once the server answers: a client's first MCP request comes after discovery, registration,
    // authorization and a token, and the build no longer competes with start-up for the CPUs.
    CompletableFuture<McpParts> mcp = new CompletableFuture<>();
    mcp.whenComplete((parts, failure) -> {
      if (failure != null) {
        LOG.error("The MCP server could not be built", failure);
      }
    });
    AuthorizationServer built = authorizationServer;
    String mcpPath = auth.mcpPath();
    Supplier<McpParts> buildMcp = () -> built == null
        ? mcpServer(mcpPath, new McpAuthContextExtractor(null), new ExampleTools(null))
        : mcpServer(mcpPath, new McpAuthContextExtractor(built.upstreamSession().orElse(null)),
            new ExampleTools(built.upstreamLogin().map(login -> login.provider()).orElse(null)));

    Server jetty = joined(listening).jetty();
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder mcpServlet = new ServletHolder("mcp", new DeferredServlet(mcp.thenApply(McpParts::transport)));
    mcpServlet.setAsyncSupported(true);
    context.addServlet(mcpServlet, auth.mcpPath());
    context.addServletContainerInitializer(auth.initializer());
    NoSniff.serve(jetty, context);
    jetty.start();
    inBackground("mcp-server-build", buildMcp).whenComplete((parts, failure) -> {
      if (failure != null) {
        mcp.completeExceptionally(failure);
      } else {
        mcp.complete(parts);
      }
    });
    if (!options.resourceServerMode() && options.users().isEmpty() && options.identity() == null) {
      LOG.warn("No users (--user, --users-file or MCP_AUTH_USERS): there is no login, and everyone who reaches the consent page is the user '{}'.",
          DEMO_USER);
    }
    return new ExampleServer(jetty, mcp, authorizationServer, store, baseUrl);
  }

  /** The official SDK's servlet transport, and the MCP server behind it. */
  private record McpParts(HttpServletStreamableServerTransportProvider transport, McpSyncServer server) {}

  private static McpParts mcpServer(String mcpPath, McpAuthContextExtractor contextExtractor, ExampleTools tools) {
    JacksonMcpJsonMapper jsonMapper = new JacksonMcpJsonMapper(new ObjectMapper().registerModule(McpErrorBodies.jacksonModule()));
    HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
        .jsonMapper(jsonMapper)
        .mcpEndpoint(mcpPath)
        .contextExtractor(contextExtractor)
        .build();
    McpSyncServer server = McpServer.sync(transport)
        .serverInfo("mcp-auth-example", "0.1.0")
        .jsonMapper(jsonMapper)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(tools.all())
        .build();
    return new McpParts(transport, server);
  }

  /** A Jetty server with its listeners open, not yet started. */
  private record Listening(Server jetty, int port) {
    static Listening open(ExampleOptions options) {
      Server jetty = Listeners.newServer();
      try {
        int port = Listeners.open(jetty, options.port(),
            options.baseUrl() == null ? null : URI.create(options.baseUrl()).getHost());
        return new Listening(jetty, port);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Closes the listeners of a server that will not start. */
    void close() {
      for (var connector : jetty.getConnectors()) {
        if (connector instanceof ServerConnector server) {
          server.close();
        }
      }
    }
  }

  /** The value of a start-up task, its failure thrown as it happened. */
  private static <T> T joined(CompletableFuture<T> task) throws Exception {
    try {
      return task.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() instanceof UncheckedIOException io ? io.getCause() : e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      throw (Error) cause;
    }
  }

  /** Runs {@code build} on a thread of its own (start-up work for the second CPU). */
  private static <T> CompletableFuture<T> inBackground(String name, Supplier<T> build) {
    return CompletableFuture.supplyAsync(build, task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      thread.start();
    });
  }

  private static void upstream(ExampleOptions.Identity identity, String baseUrl, AuthorizationServer.Builder builder) {
    UpstreamProvider.Builder provider = UpstreamProvider.builder()
        .client(identity.clientId(), identity.clientSecret())
        .callbackUri(baseUrl + "/interaction/identity/callback");
    if (identity.metadata() != null) {
      provider.metadata(identity.metadata());
    } else {
      provider.issuer(identity.serverUrl());
    }
    if (identity.scope() != null) {
      provider.scopes(identity.scope().trim().split("\\s+"));
    }
    String key = identity.tokenKey();
    if (key == null) {
      key = UpstreamTokenSealer.newKey();
      LOG.warn("No MCP_AUTH_UPSTREAM_TOKEN_KEY: upstream tokens are sealed with a key of this process only; after a"
          + " restart, or on another replica, users sign in again.");
    }
    builder.upstream(provider.build(), UpstreamTokenSealer.of(key));
  }

  /** Client ID Metadata Documents and pre-registered clients (--cimd, --cimd-allow-host, --clients). */
  static void clients(ExampleOptions.Clients clients, AuthorizationServer.Builder builder) {
    builder.clientIdMetadataDocuments(clients.metadataDocuments());
    builder.clientIdMetadataDocumentHosts(clients.metadataDocumentHosts().toArray(String[]::new));
    if (clients.insecureLoopback()) {
      LOG.warn("--insecure-cimd-loopback: client metadata documents on loopback hosts are fetched. For local testing"
          + " only: any local program could then pose as a client.");
      builder.documentFetcher(DocumentFetcher.builder().insecureAllowLoopback().build());
    }
    if (clients.clientsJson() != null) {
      try {
        PreRegisteredClients.parse(clients.clientsJson()).forEach(builder::client);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--clients: " + e.getMessage());
      }
    }
  }

  private static void keys(ExampleOptions options, ExampleStore store, CompletableFuture<SigningKey> newKey,
      AuthorizationServer.Builder builder) throws Exception {
    if (options.signingKey() != null) {
      builder.signingKey(SigningKey.fromJwk(options.signingKey()));
    } else {
      SigningKey key = joined(newKey);
      builder.signingKey(key);
      if (store.shared()) {
        LOG.warn("A shared store without --signing-key: other replicas cannot verify this one's tokens."
            + " Give every replica the same key.");
      } else {
        LOG.warn("No --signing-key: generated {} for this process only; tokens do not survive a restart.", key);
      }
    }
    if (options.retiredSigningKey() != null) {
      // It verifies what it signed by --retired-at until those tokens expire, and signs nothing more.
      builder.retiredSigningKey(SigningKey.fromJwk(options.retiredSigningKey()), options.retiredAt());
    }
  }

  private static ResourceServer.Builder resourceServer(ExampleOptions options, String resource) {
    ResourceServer.Builder builder = ResourceServer.builder()
        .issuer(options.authorizationServer())
        .resource(resource)
        .resourceName(RESOURCE_NAME)
        .scopes(ExampleTools.READ, ExampleTools.WRITE)
        .acceptAudience(options.acceptedAudiences().toArray(String[]::new))
        .claimsMapping(switch (options.claimsMapping()) {
          case "keycloak" -> ClaimsMapping.KEYCLOAK;
          case "auth0" -> ClaimsMapping.AUTH0;
          case "entra" -> ClaimsMapping.ENTRA;
          case "okta" -> ClaimsMapping.OKTA;
          default -> ClaimsMapping.STANDARD;
        });
    if (options.introspectionClientId() != null) {
      builder.introspection(options.introspectionClientId(), options.introspectionClientSecret());
    }
    return builder;
  }

  private static InteractionHandler pages(ExampleOptions options) {
    return options.users().isEmpty()
        ? ConsentPage.singleUserWithoutLogin(DEMO_USER)
        : ConsentPage.withLogin(UserAuthenticator.ofUsers(options.users()));
  }

  public URI mcpEndpoint() {
    return URI.create(baseUrl + "/mcp");
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** The embedded authorization server, or {@code null} in resource-server mode. */
  public AuthorizationServer authorizationServer() {
    return authorizationServer;
  }

  @Override
  public void close() {
    try {
      try {
        mcp.join().server().closeGracefully();
      } catch (java.util.concurrent.CompletionException neverBuilt) {
        // its failure was logged when it happened; nothing to close
      }
      jetty.stop();
      if (store != null) {
        store.close();
      }
    } catch (Exception e) {
      LOG.warn("Stopping failed: {}", e.toString());
    }
  }
}
