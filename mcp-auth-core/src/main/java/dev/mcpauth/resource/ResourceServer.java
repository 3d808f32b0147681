package dev.mcpauth.resource;

import com.nimbusds.jose.JWSAlgorithm;
import dev.mcpauth.OAuthException;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.internal.DiscoveredIssuer;
import dev.mcpauth.internal.IssuerDiscovery;
import dev.mcpauth.internal.Uris;
import dev.mcpauth.metadata.ProtectedResourceMetadata;
import dev.mcpauth.token.TokenVerifier;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An MCP server as a resource server only (MCP 2025-06-18 and later): the tokens come from an
 * external authorization server such as Keycloak, Auth0, Microsoft Entra ID, Okta or another
 * deployment of this library, and this side verifies them and publishes RFC 9728 metadata naming
 * that server.
 *
 * <pre>{@code
 * ResourceServer resourceServer = ResourceServer.builder()
 *     .issuer("https://id.example.com/realms/mcp")      // exactly as its metadata names it
 *     .resource("https://mcp.example.com/mcp")          // the audience tokens must name
 *     .scopes("mcp:read", "mcp:write")
 *     .claimsMapping(ClaimsMapping.KEYCLOAK)
 *     .build();
 * }</pre>
 *
 * <p>JWT access tokens are verified against the issuer's JWKS; with {@link Builder#introspection}
 * every token (opaque or not) is checked by RFC 7662 introspection instead. The issuer's metadata is
 * discovered on first need (RFC 8414 and OpenID discovery, in the MCP probe order) and its {@code
 * issuer} must equal the configured one. The audience is always the configured resource, never
 * anything taken from a request. Nothing here needs the issuer at start-up: while it cannot be
 * reached, tokens that need it get {@code temporarily_unavailable} and the server recovers by itself.
 *
 * <p>Immutable and thread-safe.
 */
public final class ResourceServer {
  static final int MAX_TOKEN_LENGTH = 16 * 1024;
  static final int MAX_JWKS_BYTES = 512 * 1024;

  /** The checked configuration the verifiers work from. */
  record Config(
      String issuer, String resource, Set<String> audiences, ClaimsMapping claimsMapping, Set<JWSAlgorithm> algorithms,
      Duration connectTimeout, Duration readTimeout, Duration jwksCacheLifetime, Duration jwksRefreshMinInterval,
      Duration jwksOutageTolerance, Duration introspectionCacheLifetime, Duration clockSkew,
      int verificationCacheSize, Clock clock) {}

  private final Config config;
  private final List<String> scopes;
  private final DiscoveredIssuer issuer;
  private final TokenVerifier verifier;
  private final ProtectedResourceMetadata metadata;
  private final boolean introspecting;

  private ResourceServer(Builder builder, Config config) {
    this.config = config;
    this.scopes = List.copyOf(builder.scopes);
    this.issuer = new DiscoveredIssuer(new IssuerDiscovery(config.issuer(), config.connectTimeout(), config.readTimeout()),
        config.clock(), builder.discoveryRetryInterval, config.connectTimeout());
    this.introspecting = builder.introspectionClientId != null;
    this.verifier = introspecting
        ? new IntrospectionVerifier(config, issuer, builder.introspectionClientId, builder.introspectionClientSecret)
        : new JwtVerifier(config, issuer);
    this.metadata = new ProtectedResourceMetadata(config.resource(), config.issuer(), scopes,
        Optional.ofNullable(builder.resourceName));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The external authorization server, exactly as configured. */
  public String issuer() {
    return config.issuer();
  }

  /** The protected resource: the audience its tokens must name. */
  public String resource() {
    return config.resource();
  }

  public List<String> scopes() {
    return scopes;
  }

  /** Whether tokens are checked by introspection rather than as JWTs. */
  public boolean introspects() {
    return introspecting;
  }

  /** The verifier for this resource's bearer tokens; the same instance every time. */
  public TokenVerifier verifier() {
    return verifier;
  }

  /** RFC 9728 protected resource metadata naming the external authorization server. */
  public EndpointResponse protectedResourceMetadata() {
    return metadata.response();
  }

  /**
   * Discovers the issuer now unless already done (or tried within the retry interval), for a
   * start-up check. Requests never need this call.
   *
   * @return whether the issuer's metadata is known
   */
  public boolean discover() {
    try {
      issuer.get();
      return true;
    } catch (OAuthException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "ResourceServer[issuer=" + config.issuer() + ", resource=" + config.resource()
        + (introspecting ? ", introspection" : ", jwt") + "]";
  }

  /** Not thread-safe; build once. */
  public static final class Builder {
    private String issuer;
    private String resource;
    private final Set<String> extraAudiences = new LinkedHashSet<>();
    private final Set<String> scopes = new LinkedHashSet<>();
    private String resourceName;
    private String introspectionClientId;
    private String introspectionClientSecret;
    private ClaimsMapping claimsMapping = ClaimsMapping.STANDARD;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration readTimeout = Duration.ofSeconds(5);
    private Duration jwksCacheLifetime = Duration.ofMinutes(5);
    private Duration jwksRefreshMinInterval = Duration.ofSeconds(30);
    private Duration jwksOutageTolerance = Duration.ofMinutes(15);
    private Duration discoveryRetryInterval = Duration.ofSeconds(10);
    private Duration introspectionCacheLifetime = Duration.ofSeconds(30);
    private Duration clockSkew = Duration.ofSeconds(30);
    private int verificationCacheSize = 10_000;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The external authorization server's issuer identifier, exactly as its metadata's {@code
     * issuer} (e.g. {@code https://keycloak.example.com/realms/mcp}, {@code https://tenant.auth0.com/}
     * with Auth0's trailing slash). Required.
     */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /** The MCP endpoint's canonical URI: what tokens' {@code aud} must name. Required. */
    public Builder resource(String resource) {
      this.resource = resource;
      return this;
    }

    /**
     * Further {@code aud} values that mean this resource, for issuers that cannot put the resource
     * URI in the audience (Microsoft Entra ID puts the application's client id there). Default none.
     */
    public Builder acceptAudience(String... audiences) {
      extraAudiences.addAll(List.of(audiences));
      return this;
    }

    /** The scopes this resource understands, for its metadata and 401 challenges. */
    public Builder scopes(String... scopes) {
      this.scopes.addAll(List.of(scopes));
      return this;
    }

    /** {@code resource_name} in the protected resource metadata. Default none. */
    public Builder resourceName(String name) {
      this.resourceName = name;
      return this;
    }

    /**
     * Checks every token by RFC 7662 introspection at the issuer's {@code introspection_endpoint},
     * authenticating as this confidential client ({@code client_secret_basic}): for opaque tokens,
     * or to see revocations within {@link #introspectionCacheLifetime}. Default: JWTs, verified here.
     */
    public Builder introspection(String clientId, String clientSecret) {
      this.introspectionClientId = clientId;
      this.introspectionClientSecret = clientSecret;
      return this;
    }

    /** How to read subject, client and scopes from the issuer's claims. Default {@link ClaimsMapping#STANDARD}. */
    public Builder claimsMapping(ClaimsMapping mapping) {
      this.claimsMapping = Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    /** For calls to the issuer. Defaults 2 s to connect, 5 s to read. */
    public Builder timeouts(Duration connect, Duration read) {
      this.connectTimeout = connect;
      this.readTimeout = read;
      return this;
    }

    /** How long fetched keys are used before they are fetched again. Default 5 minutes. */
    public Builder jwksCacheLifetime(Duration lifetime) {
      this.jwksCacheLifetime = lifetime;
      return this;
    }

    /**
     * The rate limit on fetching keys when a token names an unknown one: at most two fetches per
     * interval. Default 30 seconds.
     */
    public Builder jwksRefreshMinInterval(Duration interval) {
      this.jwksRefreshMinInterval = interval;
      return this;
    }

    /** How long keys already fetched stay in use while the issuer cannot be reached. Default 15 minutes. */
    public Builder jwksOutageTolerance(Duration tolerance) {
      this.jwksOutageTolerance = tolerance;
      return this;
    }

    /** How soon a failed discovery of the issuer is tried again. Default 10 seconds. */
    public Builder discoveryRetryInterval(Duration interval) {
      this.discoveryRetryInterval = interval;
      return this;
    }

    /**
     * How long an active introspection answer is reused, never past the token's {@code exp}: the
     * bound on seeing a revocation made at the issuer. Default 30 seconds.
     */
    public Builder introspectionCacheLifetime(Duration lifetime) {
      this.introspectionCacheLifetime = lifetime;
      return this;
    }

    /** Tolerance on {@code exp} and {@code nbf} for the issuer's clock. Default 30 seconds. */
    public Builder clockSkew(Duration skew) {
      this.clockSkew = skew;
      return this;
    }

    /** Verified tokens remembered. Default 10,000. */
    public Builder verificationCacheSize(int size) {
      this.verificationCacheSize = size;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** @throws IllegalStateException naming every setting to fix */
    public ResourceServer build() {
      List<String> problems = new ArrayList<>();
      checkUrl("issuer", issuer, problems);
      checkUrl("resource", resource, problems);
      if ((introspectionClientId == null) != (introspectionClientSecret == null)
          || (introspectionClientId != null && (introspectionClientId.isEmpty() || introspectionClientSecret.isEmpty()))) {
        problems.add("introspection needs both a client id and a client secret");
      }
      checkRange("connect timeout", connectTimeout, Duration.ofMillis(100), Duration.ofMinutes(1), problems);
      checkRange("read timeout", readTimeout, Duration.ofMillis(100), Duration.ofMinutes(1), problems);
      checkRange("jwksCacheLifetime", jwksCacheLifetime, Duration.ofSeconds(1), Duration.ofDays(1), problems);
      checkRange("jwksRefreshMinInterval", jwksRefreshMinInterval, Duration.ofMillis(100), Duration.ofHours(1), problems);
      checkRange("jwksOutageTolerance", jwksOutageTolerance, Duration.ZERO, Duration.ofDays(1), problems);
      checkRange("discoveryRetryInterval", discoveryRetryInterval, Duration.ZERO, Duration.ofHours(1), problems);
      checkRange("introspectionCacheLifetime", introspectionCacheLifetime, Duration.ZERO, Duration.ofHours(1), problems);
      checkRange("clockSkew", clockSkew, Duration.ZERO, Duration.ofMinutes(5), problems);
      if (verificationCacheSize < 1) {
        problems.add("verificationCacheSize must be positive");
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException("Invalid mcp-auth resource server configuration: " + String.join("; ", problems));
      }
      Set<String> audiences = new LinkedHashSet<>();
      audiences.add(resource);
      audiences.addAll(extraAudiences);
      Config config = new Config(issuer, resource, Set.copyOf(audiences), claimsMapping, JwtVerifier.supportedAlgorithms(),
          connectTimeout, readTimeout, jwksCacheLifetime, jwksRefreshMinInterval, jwksOutageTolerance,
          introspectionCacheLifetime, clockSkew, verificationCacheSize, clock);
      return new ResourceServer(this, config);
    }

    private static void checkUrl(String name, String value, List<String> problems) {
      Optional<URI> uri = Uris.parse(value);
      if (uri.isEmpty() || !uri.get().isAbsolute() || uri.get().getHost() == null) {
        problems.add(name + " must be an absolute URL, got " + value);
      } else if (!Uris.isSecureOrLoopback(uri.get())) {
        problems.add(name + " must be https (http only for localhost), got " + value);
      } else if (uri.get().getRawQuery() != null || uri.get().getRawFragment() != null) {
        problems.add(name + " must have no query or fragment, got " + value);
      }
    }

    private static void checkRange(String name, Duration value, Duration min, Duration max, List<String> problems) {
      if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        problems.add(name + " must be between " + min + " and " + max + ", got " + value);
      }
    }
  }
}
