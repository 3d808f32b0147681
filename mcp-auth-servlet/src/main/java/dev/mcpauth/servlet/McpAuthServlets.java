package dev.mcpauth.servlet;

import dev.mcpauth.AuthorizationServer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.net.URI;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * mcp-auth on a servlet container in a few lines: the authorization server's servlet at every path
 * clients probe, and the bearer filter on the MCP endpoint.
 *
 * <pre>{@code
 * McpAuthServlets auth = McpAuthServlets.builder(authorizationServer)
 *     .pages(ConsentPage.withLogin(UserAuthenticator.ofUsers(Map.of("alice", "s3cret"))))
 *     .scopePolicy(ScopePolicy.builder().always("mcp:read").tool("write_note", "mcp:write").build())
 *     .build();
 * auth.install(servletContext);   // from a ServletContainerInitializer, or use auth.initializer()
 * }</pre>
 *
 * The context must be the root context: discovery documents live at the host's root. Immutable and
 * thread-safe.
 */
public final class McpAuthServlets {
  private final AuthorizationServerServlet authorizationServlet;
  private final BearerTokenFilter bearerFilter;
  private final String mcpPath;
  private final String resourceMetadataUrl;

  private McpAuthServlets(Builder builder) {
    this.authorizationServlet = new AuthorizationServerServlet(builder.server, builder.pages);
    URI resource = URI.create(builder.resource);
    this.mcpPath = Routes.path(resource).isEmpty() ? "/" : Routes.path(resource);
    this.resourceMetadataUrl = resource.getScheme() + "://" + resource.getRawAuthority()
        + "/.well-known/oauth-protected-resource" + Routes.path(resource);
    OriginGuard guard = builder.originGuard != null ? builder.originGuard : OriginGuard.forResource(builder.resource);
    this.bearerFilter = new BearerTokenFilter(
        builder.server.verifier(builder.resource), resourceMetadataUrl, builder.scopePolicy, guard);
  }

  public static Builder builder(AuthorizationServer server) {
    return new Builder(server);
  }

  public AuthorizationServerServlet authorizationServlet() {
    return authorizationServlet;
  }

  /** The paths to map {@link #authorizationServlet()} at. */
  public Set<String> authorizationPaths() {
    return authorizationServlet.paths();
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
    FilterRegistration.Dynamic filter = context.addFilter("mcp-auth-bearer", bearerFilter);
    filter.setAsyncSupported(true);
    filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, mcpPath);
  }

  /** A {@link ServletContainerInitializer} that calls {@link #install}, for embedded containers. */
  public ServletContainerInitializer initializer() {
    return (classes, context) -> install(context);
  }

  /** Not thread-safe; build once. */
  public static final class Builder {
    private final AuthorizationServer server;
    private String resource;
    private InteractionHandler pages;
    private ScopePolicy scopePolicy = ScopePolicy.require();
    private OriginGuard originGuard;

    private Builder(AuthorizationServer server) {
      this.server = Objects.requireNonNull(server, "server");
      this.resource = server.resources().get(0);
    }

    /** The protected resource whose MCP endpoint the filter guards. Default: the first one. */
    public Builder resource(String resource) {
      this.resource = resource;
      return this;
    }

    /**
     * The login and consent pages. Required, so that who may approve is a decision: {@link
     * ConsentPage#withLogin} or {@link ConsentPage#singleUserWithoutLogin}, or your own handler.
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

    /** @throws IllegalStateException naming what is missing */
    public McpAuthServlets build() {
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
