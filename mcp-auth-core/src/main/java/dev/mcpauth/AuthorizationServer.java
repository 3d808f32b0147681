package dev.mcpauth;

import dev.mcpauth.authorization.AuthorizationEndpoint;
import dev.mcpauth.authorization.LoginSessions;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.ClientIdentity;
import dev.mcpauth.client.MetadataDocumentClients;
import dev.mcpauth.client.RegistrationEndpoint;
import dev.mcpauth.client.RegistrationPolicy;
import dev.mcpauth.event.EventListener;
import dev.mcpauth.fetch.DocumentFetcher;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.internal.Events;
import dev.mcpauth.internal.Secrets;
import dev.mcpauth.internal.Settings;
import dev.mcpauth.internal.Uris;
import dev.mcpauth.metadata.ServerMetadata;
import dev.mcpauth.ratelimit.LimitedAction;
import dev.mcpauth.ratelimit.LoginThrottle;
import dev.mcpauth.ratelimit.RateLimit;
import dev.mcpauth.ratelimit.RateLimiter;
import dev.mcpauth.ratelimit.RateLimits;
import dev.mcpauth.store.McpSessionStore;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.UpstreamTokenStore;
import dev.mcpauth.store.memory.InMemoryStorage;
import dev.mcpauth.token.IntrospectionEndpoint;
import dev.mcpauth.token.RevocationEndpoint;
import dev.mcpauth.token.SigningKey;
import dev.mcpauth.token.SigningKeys;
import dev.mcpauth.token.TokenEndpoint;
import dev.mcpauth.token.TokenService;
import dev.mcpauth.token.TokenVerifier;
import dev.mcpauth.upstream.UpstreamLogin;
import dev.mcpauth.upstream.UpstreamProvider;
import dev.mcpauth.upstream.UpstreamSession;
import dev.mcpauth.upstream.UpstreamTokenSealer;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OAuth 2.1 authorization server for MCP resources, and the verifier of the tokens it issues.
 * Built once from a {@link Builder}, whose {@code build()} refuses inconsistent configuration with a
 * message saying what to fix; then immutable and thread-safe.
 *
 * <p>Each endpoint takes an {@code EndpointRequest} and answers an {@code EndpointResponse}; web
 * adapters (such as {@code mcp-auth-servlet}) mount them at {@link #endpoints()} and write the
 * answers as they are.
 */
public final class AuthorizationServer {
  private final Settings settings;
  private final ServerMetadata metadata;
  private final AuthorizationEndpoint authorizationEndpoint;
  private final RegistrationEndpoint registrationEndpoint;
  private final TokenService tokens;
  private final UpstreamLogin upstreamLogin;
  private final UpstreamSession upstreamSession;
  private final RateLimiter rateLimiter;
  private final LoginThrottle loginThrottle;
  private final LoginSessions loginSessions;

  private AuthorizationServer(Settings settings, Optional<String> resourceName, UpstreamProvider upstream,
      UpstreamTokenSealer sealer, RateLimits rateLimits, LoginSessions loginSessions) {
    this.settings = settings;
    this.loginSessions = loginSessions;
    this.rateLimiter = new RateLimiter(rateLimits, settings.clock(), settings.storage().rateLimits());
    this.loginThrottle = new LoginThrottle(rateLimiter);
    this.metadata = new ServerMetadata(settings, resourceName);
    this.authorizationEndpoint = new AuthorizationEndpoint(settings);
    this.registrationEndpoint = new RegistrationEndpoint(settings);
    this.tokens = new TokenService(settings);
    if (upstream != null) {
      UpstreamTokenStore store = settings.storage().upstreamTokens();
      this.upstreamLogin = new UpstreamLogin(upstream, sealer, authorizationEndpoint, store, settings.clock());
      this.upstreamSession = new UpstreamSession(upstream, sealer, store, settings.storage().grants(), tokens::revokeGrant,
          settings.clock());
    } else {
      this.upstreamLogin = null;
      this.upstreamSession = null;
    }
  }

  /** The federated login, when the server was built with {@link Builder#upstream}. */
  public Optional<UpstreamLogin> upstreamLogin() {
    return Optional.ofNullable(upstreamLogin);
  }

  /** The upstream tokens of each grant, when the login is federated: for tool handlers and the proxy. */
  public Optional<UpstreamSession> upstreamSession() {
    return Optional.ofNullable(upstreamSession);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The per-address limits of the endpoints, for the web adapter to apply before it hands a request
   * to an endpoint (see {@link Builder#rateLimit}).
   */
  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  /** The failed-login limits, for login pages. */
  public LoginThrottle loginThrottle() {
    return loginThrottle;
  }

  /** Which principal opened each MCP session, in this server's storage (so replicas sharing it agree). */
  public McpSessionStore mcpSessions() {
    return settings.storage().mcpSessions();
  }

  /** The clock this server reads the time from. */
  public Clock clock() {
    return settings.clock();
  }

  public String issuer() {
    return settings.issuer();
  }

  /** The protected resources, as configured; the first is the default unless another was named. */
  public List<String> resources() {
    return settings.resources();
  }

  public Set<String> scopes() {
    return settings.scopes();
  }

  public Endpoints endpoints() {
    return settings.endpoints();
  }

  public ServerMetadata metadata() {
    return metadata;
  }

  public AuthorizationEndpoint authorizationEndpoint() {
    return authorizationEndpoint;
  }

  public TokenEndpoint tokenEndpoint() {
    return tokens.tokenEndpoint();
  }

  public RegistrationEndpoint registrationEndpoint() {
    return registrationEndpoint;
  }

  public RevocationEndpoint revocationEndpoint() {
    return tokens.revocationEndpoint();
  }

  public IntrospectionEndpoint introspectionEndpoint() {
    return tokens.introspectionEndpoint();
  }

  /** The JWKS document (RFC 7517): the active key and retired keys whose tokens may still be live. */
  public EndpointResponse jwks() {
    return EndpointResponse.cacheableJson(settings.keys().jwksJson(settings.clock().instant()), 300);
  }

  /**
   * Revokes a grant and everything issued from it, as a revocation request would (RFC 7009 §2.1):
   * its code and refresh tokens stop working at once, and its access tokens at once in this process
   * (other replicas see it within the revocation check interval). For a resource in front of the
   * grant's upstream access, e.g. the authorizing proxy when the upstream refuses a freshly
   * refreshed token, so that the client authorizes again.
   */
  public void revokeGrant(String grantId) {
    tokens.revokeGrant(grantId);
  }

  /**
   * Signed-in browsers of the login page: present unless turned off ({@code withoutLoginSessions()})
   * or the storage keeps none.
   */
  public Optional<LoginSessions> loginSessions() {
    return Optional.ofNullable(loginSessions);
  }

  /**
   * Signs {@code subject} out of every browser (e.g. after a password change); revoking any of the
   * user's grants does this as well.
   */
  public void endLoginSessions(String subject) {
    settings.storage().loginSessions().ifPresent(store -> store.deleteAllOf(subject));
  }

  /** The verifier for tokens sent to {@code resource}, one of {@link #resources()}. */
  public TokenVerifier verifier(String resource) {
    return tokens.verifier(resource);
  }

  /**
   * Configuration with secure defaults; every relaxation is a named option. Not thread-safe; build
   * once.
   */
  public static final class Builder {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationServer.class);
    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    private String issuer;
    private final List<String> resources = new ArrayList<>();
    private String defaultResource;
    private String resourceName;
    private final Set<String> scopes = new LinkedHashSet<>();
    private Set<String> defaultScopes;
    private SigningKey signingKey;
    private final Map<SigningKey, Instant> retiredKeys = new LinkedHashMap<>();
    private UpstreamProvider upstream;
    private UpstreamTokenSealer upstreamSealer;
    private Storage storage;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random;
    private EventListener eventListener = EventListener.NONE;
    private RegistrationPolicy registrationPolicy = RegistrationPolicy.ALLOW_ALL;
    private boolean dynamicRegistration = true;
    private boolean registeredScopeAsRequested;
    private final Set<String> introspectionClients = new LinkedHashSet<>();
    private Duration accessTokenLifetime = Duration.ofHours(1);
    private Duration refreshTokenLifetime = Duration.ofDays(30);
    private Duration grantLifetime = Duration.ofDays(90);
    private Duration authorizationCodeLifetime = Duration.ofSeconds(60);
    private Duration pendingAuthorizationLifetime = Duration.ofMinutes(10);
    private Duration unusedClientLifetime = Duration.ofHours(24);
    private Duration clockSkew = Duration.ofSeconds(10);
    private Duration revocationCheckInterval = Duration.ofSeconds(30);
    private Duration loginSessionIdleTimeout = Duration.ofHours(12);
    private Duration loginSessionLifetime = Duration.ofDays(7);
    private boolean loginSessionsOn = true;
    private boolean loginSessionsConfigured;
    private int verificationCacheSize = 10_000;
    private final Map<String, Client> clients = new LinkedHashMap<>();
    private boolean metadataDocuments = true;
    private final Set<String> metadataDocumentHosts = new LinkedHashSet<>();
    private final Map<String, String> pinnedMetadataDocuments = new LinkedHashMap<>();
    private DocumentFetcher documentFetcher;
    private RateLimits rateLimits = RateLimits.defaults();

    private Builder() {}

    /**
     * Replaces the limits of {@code action} (several may be given; each must admit a request). The
     * defaults are in {@link RateLimits#defaults()}: generous, since shared egress addresses
     * (Claude's, ChatGPT's, a company's NAT) count many users as one source.
     */
    public Builder rateLimit(LimitedAction action, RateLimit... limits) {
      Objects.requireNonNull(action, "action");
      if (limits.length == 0) {
        throw new IllegalArgumentException("give at least one limit, or call withoutRateLimit(" + action + ")");
      }
      this.rateLimits = rateLimits.with(action, limits);
      return this;
    }

    /**
     * Removes every limit of {@code action}: for a server that limits rates in front of it (a
     * gateway), since otherwise anyone may fill the stores or guess passwords at full speed.
     */
    public Builder withoutRateLimit(LimitedAction action) {
      this.rateLimits = rateLimits.with(Objects.requireNonNull(action, "action"));
      return this;
    }

    /**
     * The issuer identifier (RFC 8414 §2): an https URL without query, fragment or trailing slash,
     * e.g. {@code https://mcp.example.com}. Plain http is accepted only for localhost. Required.
     */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /**
     * A protected resource: the canonical URI of an MCP endpoint, e.g. {@code
     * https://mcp.example.com/mcp}, used as the tokens' audience. At least one is required.
     */
    public Builder resource(String resource) {
      this.resources.add(resource);
      return this;
    }

    /**
     * The resource that requests without {@code resource} (clients before MCP 2025-06-18) get
     * tokens for. Defaults to the only resource; with several and none named, such requests are
     * refused with {@code invalid_target}.
     */
    public Builder defaultResource(String resource) {
      this.defaultResource = resource;
      return this;
    }

    /** The human-readable {@code resource_name} in protected resource metadata. */
    public Builder resourceName(String name) {
      this.resourceName = name;
      return this;
    }

    /** The scopes clients may ask for. {@code offline_access} is always understood. */
    public Builder scopes(String... scopes) {
      this.scopes.addAll(List.of(scopes));
      return this;
    }

    /** The scopes granted when a request names none. Defaults to all of {@link #scopes}. */
    public Builder defaultScopes(String... scopes) {
      this.defaultScopes = new LinkedHashSet<>(List.of(scopes));
      return this;
    }

    /** The key that signs access tokens. Defaults to a new ES256 key, which dies with the process. */
    public Builder signingKey(SigningKey key) {
      this.signingKey = key;
      return this;
    }

    /**
     * A key that no longer signs: it verifies only tokens issued by {@code retiredAt}, and is
     * published until {@code retiredAt} plus the access token lifetime. {@code retiredAt} is when
     * it stopped signing, from configuration (not the time of start-up, which a restart moves);
     * it may not be in the future.
     */
    public Builder retiredSigningKey(SigningKey key, Instant retiredAt) {
      this.retiredKeys.put(Objects.requireNonNull(key), Objects.requireNonNull(retiredAt));
      return this;
    }

    /** Where clients, grants and tokens are kept. Defaults to {@link InMemoryStorage}. */
    public Builder storage(Storage storage) {
      this.storage = storage;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** The source of codes, tokens and ids. Defaults to a new {@link SecureRandom}. */
    public Builder random(SecureRandom random) {
      this.random = random;
      return this;
    }

    public Builder eventListener(EventListener listener) {
      this.eventListener = listener;
      return this;
    }

    public Builder registrationPolicy(RegistrationPolicy policy) {
      this.registrationPolicy = policy;
      return this;
    }

    /**
     * Registers each client with exactly the {@code scope} it asks for at registration and refuses it
     * anything beyond ({@code invalid_scope}), the strict reading of RFC 7591 §2. Off by default:
     * MCP clients built on the official SDKs register with the scope of their first challenge, then
     * ask for more after a 403 {@code insufficient_scope} (step-up) under the same registration, and
     * would be refused. By default a client that names a scope is registered with every scope this
     * server offers, and the registration response says so (RFC 7591 §3.2.1); a {@link
     * RegistrationPolicy} sees the requested scope either way. A client stored with a scope (this
     * option, or one a store was given) is always held to it.
     */
    public Builder registeredScopeAsRequested() {
      this.registeredScopeAsRequested = true;
      return this;
    }

    /** Whether the RFC 7591 registration endpoint is open. Default {@code true}. */
    public Builder dynamicRegistration(boolean enabled) {
      this.dynamicRegistration = enabled;
      return this;
    }

    /** Confidential clients (resource servers) allowed to introspect every client's tokens. */
    public Builder introspectionClients(String... clientIds) {
      this.introspectionClients.addAll(List.of(clientIds));
      return this;
    }

    /** Default 1 hour; between 1 minute and 1 day. */
    public Builder accessTokenLifetime(Duration lifetime) {
      this.accessTokenLifetime = lifetime;
      return this;
    }

    /** How long an unused refresh token lives; each refresh issues a new one. Default 30 days. */
    public Builder refreshTokenLifetime(Duration lifetime) {
      this.refreshTokenLifetime = lifetime;
      return this;
    }

    /** The absolute end of a grant, however often it is refreshed. Default 90 days. */
    public Builder grantLifetime(Duration lifetime) {
      this.grantLifetime = lifetime;
      return this;
    }

    /** Default 60 seconds; at most 10 minutes (RFC 6749 §4.1.2). */
    public Builder authorizationCodeLifetime(Duration lifetime) {
      this.authorizationCodeLifetime = lifetime;
      return this;
    }

    /** How long a user has to log in and consent. Default 10 minutes; at most 1 hour. */
    public Builder pendingAuthorizationLifetime(Duration lifetime) {
      this.pendingAuthorizationLifetime = lifetime;
      return this;
    }

    /** How long a registered client that never completes an authorization is kept. Default 24 hours. */
    public Builder unusedClientLifetime(Duration lifetime) {
      this.unusedClientLifetime = lifetime;
      return this;
    }

    /** Tolerance for clock differences when checking token times. Default 10 seconds; at most 5 minutes. */
    public Builder clockSkew(Duration skew) {
      this.clockSkew = skew;
      return this;
    }

    /**
     * How long a browser stays signed in after a password login at the login page: {@code idleTimeout}
     * after its last authorization, and never longer than {@code absoluteLifetime} after the password was
     * checked. Defaults 12 hours and 7 days. Sign-out, and revoking any of the user's grants, end it
     * sooner. Needs a storage that keeps login sessions (the in-memory, JDBC and Redis stores do).
     */
    public Builder loginSessions(Duration idleTimeout, Duration absoluteLifetime) {
      this.loginSessionIdleTimeout = idleTimeout;
      this.loginSessionLifetime = absoluteLifetime;
      this.loginSessionsOn = true;
      this.loginSessionsConfigured = true;
      return this;
    }

    /**
     * Asks for the password at every authorization: no browser stays signed in, and no consent is
     * remembered.
     */
    public Builder withoutLoginSessions() {
      this.loginSessionsOn = false;
      return this;
    }

    /**
     * How long a cached verification is trusted before the token's grant is read again: the bound
     * on how late a revocation made by another replica is seen. Default 30 seconds.
     */
    public Builder revocationCheckInterval(Duration interval) {
      this.revocationCheckInterval = interval;
      return this;
    }

    /** Verified tokens kept in each verifier's cache. Default 10,000. */
    public Builder verificationCacheSize(int size) {
      this.verificationCacheSize = size;
      return this;
    }

    /**
     * A client the operator registers: a machine client that uses {@code client_credentials}
     * (MCP's OAuth client credentials extension) with a secret or {@code private_key_jwt}, or any
     * client that should not depend on dynamic registration. Its id must not be an https URL (those
     * name metadata documents). Build it with {@link Client#builder}.
     */
    public Builder client(Client client) {
      Objects.requireNonNull(client, "client");
      this.clients.put(client.clientId(), client);
      return this;
    }

    /**
     * Whether a {@code client_id} that is an https URL is resolved by fetching its Client ID Metadata
     * Document (MCP 2025-11-25, the way Claude, ChatGPT and VS Code identify themselves). Default
     * {@code true}: the fetch refuses special-use addresses, redirects and large or slow answers (see
     * {@link DocumentFetcher}).
     */
    public Builder clientIdMetadataDocuments(boolean enabled) {
      this.metadataDocuments = enabled;
      return this;
    }

    /**
     * Accepts metadata documents only from these hosts (e.g. {@code "claude.ai"}, {@code
     * "chatgpt.com"}); none named means every https host.
     */
    public Builder clientIdMetadataDocumentHosts(String... hosts) {
      for (String host : hosts) {
        this.metadataDocumentHosts.add(host.toLowerCase(java.util.Locale.ROOT));
      }
      return this;
    }

    /**
     * The metadata document of {@code clientId}, given by the operator and used instead of fetching:
     * for a client whose site refuses fetches from servers. Checked at {@link #build()} as a fetched
     * one would be; its host need not be among {@link #clientIdMetadataDocumentHosts}.
     */
    public Builder pinnedClientMetadataDocument(String clientId, String json) {
      this.pinnedMetadataDocuments.put(Objects.requireNonNull(clientId), Objects.requireNonNull(json));
      return this;
    }

    /**
     * How metadata documents and clients' {@code jwks_uri} key sets are fetched (timeouts, size cap,
     * egress proxy). Defaults to {@code DocumentFetcher.builder().build()}.
     */
    public Builder documentFetcher(DocumentFetcher fetcher) {
      this.documentFetcher = Objects.requireNonNull(fetcher, "fetcher");
      return this;
    }

    /** @throws IllegalStateException naming what to fix, if the configuration is inconsistent */
    public AuthorizationServer build() {
      String checkedIssuer = checkIssuer();
      List<String> checkedResources = checkResources();
      String checkedDefault = checkDefaultResource(checkedResources);
      for (String scope : scopes) {
        require(SCOPE_TOKEN.matcher(scope).matches(), "scope '" + scope + "' is not a valid scope token (RFC 6749 §3.3)");
      }
      Set<String> checkedDefaultScopes = defaultScopes == null ? scopes : defaultScopes;
      for (String scope : checkedDefaultScopes) {
        require(scopes.contains(scope) || Settings.OFFLINE_ACCESS.equals(scope),
            "default scope '" + scope + "' is not among the configured scopes");
      }
      requireBetween("accessTokenLifetime", accessTokenLifetime, Duration.ofMinutes(1), Duration.ofDays(1));
      requireBetween("refreshTokenLifetime", refreshTokenLifetime, Duration.ofMinutes(1), Duration.ofDays(3650));
      requireBetween("grantLifetime", grantLifetime, Duration.ofMinutes(1), Duration.ofDays(3650));
      requireBetween("authorizationCodeLifetime", authorizationCodeLifetime, Duration.ofSeconds(1), Duration.ofMinutes(10));
      requireBetween("pendingAuthorizationLifetime", pendingAuthorizationLifetime, Duration.ofSeconds(10), Duration.ofHours(1));
      requireBetween("unusedClientLifetime", unusedClientLifetime, Duration.ofMinutes(1), Duration.ofDays(3650));
      requireBetween("clockSkew", clockSkew, Duration.ZERO, Duration.ofMinutes(5));
      requireBetween("revocationCheckInterval", revocationCheckInterval, Duration.ZERO, Duration.ofHours(1));
      requireBetween("login session lifetime", loginSessionLifetime, Duration.ofMinutes(1), Duration.ofDays(400));
      requireBetween("login session idle timeout", loginSessionIdleTimeout, Duration.ofMinutes(1),
          loginSessionLifetime != null ? loginSessionLifetime : Duration.ofDays(400));
      require(verificationCacheSize >= 1, "verificationCacheSize must be at least 1");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(eventListener, "eventListener");
      Objects.requireNonNull(registrationPolicy, "registrationPolicy");

      SigningKey activeKey = signingKey;
      if (activeKey == null) {
        activeKey = SigningKey.generate();
        LOG.warn("No signing key configured: generated {} for this process only. Tokens will not survive a restart"
            + " and other replicas cannot verify them; configure signingKey(...) for production.", activeKey);
      }
      Instant now = clock.instant();
      retiredKeys.forEach((key, retiredAt) -> require(!retiredAt.isAfter(now.plus(clockSkew)),
          "retired signing key " + key.keyId() + " has its retirement time " + retiredAt + " in the future;"
              + " give the time it stopped signing"));
      SigningKeys keys;
      try {
        keys = new SigningKeys(activeKey, retiredKeys, accessTokenLifetime);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
      for (Client client : clients.values()) {
        require(!MetadataDocumentClients.isClientIdUrl(client.clientId()),
            "pre-registered client id " + client.clientId() + " is an https URL, which names a metadata document");
      }
      Storage checkedStorage = storage != null ? storage : new InMemoryStorage(clock);
      Endpoints endpoints = Endpoints.under(checkedIssuer);
      ClientIdentity clientIdentity = ClientIdentity.create(checkedStorage.clients(), checkedStorage.clientAssertions(),
          clients, new ClientIdentity.MetadataDocuments(metadataDocuments, metadataDocumentHosts, pinnedMetadataDocuments),
          documentFetcher != null ? documentFetcher : DocumentFetcher.builder().build(), registrationPolicy,
          Set.of(checkedIssuer, endpoints.token().toString()), clock, clockSkew);
      boolean clientCredentials = clients.values().stream().anyMatch(c -> c.mayUse(Client.CLIENT_CREDENTIALS));
      Settings settings = new Settings(
          checkedIssuer,
          endpoints,
          List.copyOf(checkedResources),
          checkedDefault,
          Collections.unmodifiableSet(new LinkedHashSet<>(scopes)),
          Collections.unmodifiableSet(new LinkedHashSet<>(checkedDefaultScopes)),
          new Settings.Lifetimes(accessTokenLifetime, refreshTokenLifetime, grantLifetime, authorizationCodeLifetime,
              pendingAuthorizationLifetime, unusedClientLifetime, clockSkew, revocationCheckInterval),
          dynamicRegistration,
          registrationPolicy,
          registeredScopeAsRequested,
          Set.copyOf(introspectionClients),
          clock,
          new Secrets(random != null ? random : new SecureRandom()),
          checkedStorage,
          new Events(eventListener, clock),
          keys,
          verificationCacheSize,
          clientIdentity,
          clientCredentials);
      if (upstream != null) {
        try {
          settings.storage().upstreamTokens();
        } catch (UnsupportedOperationException e) {
          throw new IllegalStateException("Invalid mcp-auth configuration: a federated login keeps upstream tokens, and "
              + e.getMessage() + "; use InMemoryStorage, JdbcStorage or RedisStorage");
        }
      }
      require(!loginSessionsConfigured || checkedStorage.loginSessions().isPresent(),
          "loginSessions(...) needs a storage that keeps login sessions; " + checkedStorage.getClass().getSimpleName()
              + " keeps none (InMemoryStorage, JdbcStorage and RedisStorage do), or use withoutLoginSessions()");
      LoginSessions loginSessions = loginSessionsOn
          ? checkedStorage.loginSessions().map(store -> new LoginSessions(store, loginSessionIdleTimeout,
              loginSessionLifetime, clock, random != null ? random : new SecureRandom())).orElse(null)
          : null;
      return new AuthorizationServer(settings, Optional.ofNullable(resourceName), upstream, upstreamSealer, rateLimits,
          loginSessions);
    }

    /**
     * Federates the login to an upstream identity provider: users consent here, sign in there, and
     * this server issues its own tokens, keeping the provider's sealed with {@code sealer} and bound
     * to the grant (see {@code ConsentPage.withUpstreamLogin} in the servlet module).
     */
    public Builder upstream(UpstreamProvider provider, UpstreamTokenSealer sealer) {
      this.upstream = Objects.requireNonNull(provider, "provider");
      this.upstreamSealer = Objects.requireNonNull(sealer, "sealer");
      return this;
    }

    private String checkIssuer() {
      require(issuer != null, "issuer is required, e.g. issuer(\"https://mcp.example.com\")");
      URI uri = Uris.parse(issuer).orElse(null);
      require(uri != null && uri.isAbsolute() && uri.getHost() != null, "issuer '" + issuer + "' is not an absolute URL");
      require(Uris.isSecureOrLoopback(uri), "issuer must use https (plain http only for localhost): " + issuer);
      require(uri.getRawQuery() == null && uri.getRawFragment() == null, "issuer must not have a query or fragment (RFC 8414 §2)");
      require(!issuer.endsWith("/"), "issuer must not end with '/': use " + issuer.replaceAll("/+$", ""));
      return issuer;
    }

    private List<String> checkResources() {
      require(!resources.isEmpty(), "at least one resource is required, e.g. resource(\"https://mcp.example.com/mcp\")");
      Set<String> canonical = new LinkedHashSet<>();
      for (String resource : resources) {
        URI uri = Uris.parse(resource).orElse(null);
        require(uri != null && uri.isAbsolute() && uri.getHost() != null, "resource '" + resource + "' is not an absolute URL");
        require(Uris.isSecureOrLoopback(uri), "resource must use https (plain http only for localhost): " + resource);
        require(uri.getRawFragment() == null, "resource must not have a fragment (RFC 8707 §2): " + resource);
        require(canonical.add(Uris.canonicalResource(uri)), "resource '" + resource + "' is configured twice");
      }
      return resources;
    }

    private String checkDefaultResource(List<String> checkedResources) {
      if (defaultResource == null) {
        return checkedResources.size() == 1 ? checkedResources.get(0) : null;
      }
      require(checkedResources.contains(defaultResource), "defaultResource must be one of the configured resources");
      return defaultResource;
    }

    private static void requireBetween(String name, Duration value, Duration min, Duration max) {
      require(value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0,
          name + " must be between " + min + " and " + max + ", was " + value);
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new IllegalStateException("Invalid mcp-auth configuration: " + message);
      }
    }
  }
}
