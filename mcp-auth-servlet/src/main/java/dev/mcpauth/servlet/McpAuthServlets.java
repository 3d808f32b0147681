package dev.mcpauth.servlet;

import dev.mcpauth.guard.OriginGuard;
import dev.mcpauth.metadata.ProtectedResourceMetadata;
import dev.mcpauth.guard.ScopePolicy;
import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.ratelimit.SourceAddresses;
import dev.mcpauth.resource.ResourceServer;
import dev.mcpauth.store.McpSessionStore;
import dev.mcpauth.store.memory.InMemoryMcpSessionStore;
import dev.mcpauth.token.TokenVerifier;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.ArrayList;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * mcp-auth on a servlet container in a few lines: the OAuth servlet at every path clients probe,
 * and the bearer filter on the MCP endpoint. With an embedded {@link AuthorizationServer} the
 * servlet serves all of it (endpoints, pages, discovery); with a {@link ResourceServer} for an
 * external authorization server it serves the protected resource metadata only.
 *
 * <pre>{@code
 * McpAuthServlets auth = McpAuthServlets.builder(authorizationServer)
 *     .pages(ConsentPage.withLogin(UserAuthenticator.ofUsers(Map.of("alice", "s3cret"))))
 *     .scopePolicy(ScopePolicy.builder().always("mcp:read").tool("write_note", "mcp:write").build())
 *     .build();
 * auth.install(servletContext);   // from a ServletContainerInitializer, or use auth.initializer()
 *
 * McpAuthServlets resourceOnly = McpAuthServlets.builder(resourceServer)
 *     .scopePolicy(ScopePolicy.require("mcp:read"))
 *     .build();
 * }</pre>
 *
 * The context must be the root context: discovery documents live at the host's root. Immutable and
 * thread-safe.
 */
public final class McpAuthServlets {
  /** How long an MCP session stays bound to its user after its last request, by default. */
  public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofDays(30);
  /**
   * How long the OAuth endpoints wait for a request body by default: far longer than any OAuth body
   * (at most 64 KiB) takes on a slow link, short enough that a client that stops sending is let go.
   */
  public static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(10);
  /**
   * How many MCP requests one user (a token's subject) may have on request threads at once by default:
   * far more than a client runs at a time, few enough that one user cannot hold every request thread of
   * the server.
   */
  public static final int DEFAULT_MAX_REQUESTS_IN_FLIGHT_PER_USER = 64;
  /**
   * How long the bearer filter waits for an MCP request's body by default: MCP bodies may be large (up
   * to 4 MiB), and waiting costs a connection, not a thread.
   */
  public static final Duration DEFAULT_MCP_BODY_READ_TIMEOUT = Duration.ofSeconds(60);

  private final HttpServlet authorizationServlet;
  private final Set<String> authorizationPaths;
  private final BearerTokenFilter bearerFilter;
  private final String mcpPath;
  private final String resourceMetadataUrl;

  private McpAuthServlets(Builder builder) {
    if (builder.server != null) {
      AuthorizationServerServlet servlet = new AuthorizationServerServlet(builder.server, builder.pages,
          builder.sourceAddresses, builder.bodyReadTimeout);
      this.authorizationServlet = servlet;
      this.authorizationPaths = servlet.paths();
    } else {
      ProtectedResourceServlet servlet = new ProtectedResourceServlet(builder.resourceServer);
      this.authorizationServlet = servlet;
      this.authorizationPaths = servlet.paths();
    }
    URI resource = URI.create(builder.resource);
    this.mcpPath = ProtectedResourceMetadata.resourcePath(resource);
    this.resourceMetadataUrl = ProtectedResourceMetadata.metadataUrl(resource);
    OriginGuard guard = builder.originGuard != null ? builder.originGuard : OriginGuard.forResource(builder.resource);
    TokenVerifier verifier = builder.server != null
        ? builder.server.verifier(builder.resource) : builder.resourceServer.verifier();
    SessionBinding sessions;
    if (builder.sessionStore != null) {
      sessions = new SessionBinding(builder.sessionStore, builder.sessionIdleTimeout, Clock.systemUTC());
    } else if (builder.server != null) {
      sessions = new SessionBinding(builder.server.mcpSessions(), builder.sessionIdleTimeout, builder.server.clock());
    } else {
      sessions = new SessionBinding(new InMemoryMcpSessionStore(Clock.systemUTC()), builder.sessionIdleTimeout,
          Clock.systemUTC());
    }
    this.bearerFilter = new BearerTokenFilter(verifier, resourceMetadataUrl, builder.scopePolicy, guard, sessions,
        builder.maxRequestsInFlightPerUser, builder.mcpBodyReadTimeout);
  }

  /** The embedded mode: {@code server} issues the tokens and serves every OAuth endpoint. */
  public static Builder builder(AuthorizationServer server) {
    return new Builder(Objects.requireNonNull(server, "server"), null);
  }

  /** The resource-server mode: tokens come from the external authorization server {@code server} names. */
  public static Builder builder(ResourceServer server) {
    return new Builder(null, Objects.requireNonNull(server, "server"));
  }

  /**
   * The OAuth servlet: an {@link AuthorizationServerServlet} in embedded mode, a {@link
   * ProtectedResourceServlet} in resource-server mode.
   */
  public HttpServlet authorizationServlet() {
    return authorizationServlet;
  }

  /** The paths to map {@link #authorizationServlet()} at. */
  public Set<String> authorizationPaths() {
    return authorizationPaths;
  }

  public BearerTokenFilter bearerFilter() {
    return bearerFilter;
  }

  /** The MCP endpoint's path, where {@link #bearerFilter()} goes. */
  public String mcpPath() {
    return mcpPath;
  }

  /** Where this resource's protected resource metadata is, as 401 challenges name it. */
  public String resourceMetadataUrl() {
    return resourceMetadataUrl;
  }

  /**
   * Registers the servlet and the filter. Call it while the context initializes: from a {@link
   * ServletContainerInitializer}, a Spring Boot {@code ServletContextInitializer}, or through
   * {@link #initializer()}.
   */
  public void install(ServletContext context) {
    ServletRegistration.Dynamic servlet = context.addServlet("mcp-auth", authorizationServlet);
    servlet.addMapping(authorizationPaths().toArray(String[]::new));
    servlet.setAsyncSupported(true); // bodies are read without holding a thread (BodyReader)
    FilterRegistration.Dynamic filter = context.addFilter("mcp-auth-bearer", bearerFilter);
    filter.setAsyncSupported(true);
    // ASYNC as well: the filter reads an MCP body without holding a thread, then dispatches the request again
    filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, mcpPath);
    bearerFilter.asyncDispatchMapped();
  }

  /** A {@link ServletContainerInitializer} that calls {@link #install}, for embedded containers. */
  public ServletContainerInitializer initializer() {
    return (classes, context) -> install(context);
  }

  /** Not thread-safe; build once. */
  public static final class Builder {
    private final AuthorizationServer server;
    private final ResourceServer resourceServer;
    private String resource;
    private InteractionHandler pages;
    private ScopePolicy scopePolicy = ScopePolicy.require();
    private OriginGuard originGuard;
    private final List<String> trustedProxies = new ArrayList<>();
    private SourceAddresses.Header forwardedHeader = SourceAddresses.Header.X_FORWARDED_FOR;
    private SourceAddresses sourceAddresses;
    private McpSessionStore sessionStore;
    private Duration sessionIdleTimeout = DEFAULT_SESSION_IDLE_TIMEOUT;
    private Duration bodyReadTimeout = DEFAULT_BODY_READ_TIMEOUT;
    private int maxRequestsInFlightPerUser = DEFAULT_MAX_REQUESTS_IN_FLIGHT_PER_USER;
    private Duration mcpBodyReadTimeout = DEFAULT_MCP_BODY_READ_TIMEOUT;

    private Builder(AuthorizationServer server, ResourceServer resourceServer) {
      this.server = server;
      this.resourceServer = resourceServer;
      this.resource = server != null ? server.resources().get(0) : resourceServer.resource();
    }

    /**
     * The protected resource whose MCP endpoint the filter guards. Default: the authorization
     * server's first one, or the resource server's.
     */
    public Builder resource(String resource) {
      this.resource = resource;
      return this;
    }

    /**
     * The login and consent pages. Required in embedded mode, so that who may approve is a
     * decision: {@link ConsentPage#withLogin} or {@link ConsentPage#singleUserWithoutLogin}, or your
     * own handler. A resource server has none: its users log in at the external server.
     */
    public Builder pages(InteractionHandler pages) {
      this.pages = pages;
      return this;
    }

    /** Scopes each MCP request needs. Default: a valid token, no particular scope. */
    public Builder scopePolicy(ScopePolicy policy) {
      this.scopePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The Host and Origin check. Default: {@link OriginGuard#forResource} of the resource. */
    public Builder originGuard(OriginGuard guard) {
      this.originGuard = guard;
      return this;
    }

    /**
     * Reverse proxies (load balancers, ingress) in front of this server, as CIDR blocks such as
     * {@code 10.0.0.0/8}: for requests from them, the per-address rate limits count the address their
     * forwarding header names ({@link #forwardedHeader}), read from the right. Without any, every
     * request counts by its connection's address, so behind a proxy all clients would share one
     * limit. Never list addresses that clients can connect from: they could then name any source.
     */
    public Builder trustedProxies(String... cidrs) {
      this.trustedProxies.addAll(List.of(cidrs));
      return this;
    }

    /** The header the trusted proxies write: {@code X-Forwarded-For} (default) or RFC 7239 {@code Forwarded}. */
    public Builder forwardedHeader(SourceAddresses.Header header) {
      this.forwardedHeader = Objects.requireNonNull(header, "header");
      return this;
    }

    /**
     * Where the filter remembers which user and client opened each MCP session, so that a session id
     * is refused (404) with anyone else's token. Default: the authorization server's storage in
     * embedded mode; in resource-server mode, this process's memory, which is right for one replica
     * only: several replicas need a shared store, e.g. {@code jdbcStorage.mcpSessions()} or {@code
     * redisStorage.mcpSessions()}.
     */
    public Builder sessionStore(McpSessionStore store) {
      this.sessionStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * How long a session stays bound after its owner's last request. Default {@link
     * #DEFAULT_SESSION_IDLE_TIMEOUT}, the default refresh token lifetime: a client idle for longer must
     * authorize again anyway. A session id whose binding lapsed passes to the MCP server unchecked, so
     * the MCP server should end sessions idle for longer than this.
     */
    public Builder sessionIdleTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("sessionIdleTimeout must be positive");
      }
      this.sessionIdleTimeout = timeout;
      return this;
    }

    /**
     * How long the OAuth endpoints and pages wait for a request's body, from the end of its headers
     * (default {@link #DEFAULT_BODY_READ_TIMEOUT}); a body still incomplete then is answered 408 and
     * the connection closed. No request thread waits meanwhile when the servlet is registered with
     * async support, as {@link #install} does.
     */
    public Builder bodyReadTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("bodyReadTimeout must be positive");
      }
      this.bodyReadTimeout = timeout;
      return this;
    }

    /**
     * How many MCP requests one user may have on request threads at once (default {@link
     * #DEFAULT_MAX_REQUESTS_IN_FLIGHT_PER_USER}); beyond it, 429 with {@code Retry-After}. A request
     * waiting asynchronously (an open event stream, a body still arriving) holds no thread and is not
     * counted. Counted per process.
     */
    public Builder maxRequestsInFlightPerUser(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("maxRequestsInFlightPerUser must be at least 1");
      }
      this.maxRequestsInFlightPerUser = limit;
      return this;
    }

    /**
     * How long the bearer filter waits for the body of an MCP request whose token verified (default
     * {@link #DEFAULT_MCP_BODY_READ_TIMEOUT}); then 408. The filter reads it without holding a thread
     * when {@link #install} mapped it, which maps it for ASYNC dispatches too.
     */
    public Builder mcpBodyReadTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("mcpBodyReadTimeout must be positive");
      }
      this.mcpBodyReadTimeout = timeout;
      return this;
    }

    /** @throws IllegalStateException naming what is missing */
    public McpAuthServlets build() {
      try {
        sourceAddresses = trustedProxies.isEmpty()
            ? SourceAddresses.direct() : SourceAddresses.trustingProxies(trustedProxies, forwardedHeader);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("Invalid mcp-auth configuration: " + e.getMessage(), e);
      }
      if (resourceServer != null) {
        if (pages != null) {
          throw new IllegalStateException("Invalid mcp-auth configuration: a resource server has no login or consent"
              + " pages; its users log in at " + resourceServer.issuer());
        }
        if (!resourceServer.resource().equals(resource)) {
          throw new IllegalStateException("Invalid mcp-auth configuration: " + resource + " is not the resource server's"
              + " resource " + resourceServer.resource());
        }
        return new McpAuthServlets(this);
      }
      if (pages == null) {
        throw new IllegalStateException("Invalid mcp-auth configuration: choose the login and consent pages, e.g."
            + " pages(ConsentPage.withLogin(UserAuthenticator.ofUsers(...)))");
      }
      if (!server.resources().contains(resource)) {
        throw new IllegalStateException("Invalid mcp-auth configuration: " + resource + " is not a resource of the server");
      }
      return new McpAuthServlets(this);
    }
  }
}
