package dev.mcpauth.upstream;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.mcpauth.internal.DiscoveredIssuer;
import dev.mcpauth.internal.IssuerDiscovery;
import dev.mcpauth.internal.Uris;
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
 * The upstream OAuth 2.0 / OpenID Connect provider users log in at when this server federates its
 * login (a company IdP, Google, GitHub, Salesforce): its metadata, discovered (RFC 8414 / OpenID
 * discovery, issuer checked) or given as a static JSON document for providers without discovery,
 * and this server's client registration there. Immutable and thread-safe.
 */
public final class UpstreamProvider {
  private final String clientId;
  private final String clientSecret;
  private final Set<String> scopes;
  private final URI callbackUri;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final DiscoveredIssuer discovered;
  private final AuthorizationServerMetadata staticMetadata;

  private UpstreamProvider(Builder b, AuthorizationServerMetadata staticMetadata) {
    this.clientId = b.clientId;
    this.clientSecret = b.clientSecret;
    this.scopes = Set.copyOf(b.scopes);
    this.callbackUri = URI.create(b.callbackUri);
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.staticMetadata = staticMetadata;
    this.discovered = staticMetadata != null ? null : new DiscoveredIssuer(
        new IssuerDiscovery(b.issuer, b.connectTimeout, b.readTimeout), Clock.systemUTC(), Duration.ofSeconds(10),
        b.connectTimeout);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The provider's metadata.
   *
   * @throws dev.mcpauth.OAuthException {@code temporarily_unavailable} while it cannot be discovered
   */
  AuthorizationServerMetadata metadata() {
    return staticMetadata != null ? staticMetadata : discovered.get();
  }

  /**
   * The provider's user info endpoint (OpenID Connect), for calling it with a user's upstream token.
   *
   * @throws dev.mcpauth.OAuthException {@code temporarily_unavailable} while the metadata cannot be discovered
   */
  public Optional<URI> userinfoEndpoint() {
    Object endpoint = metadata().getCustomParameter("userinfo_endpoint");
    return endpoint == null ? Optional.empty() : Optional.of(URI.create(endpoint.toString()));
  }

  String clientId() {
    return clientId;
  }

  /** {@code null} for a public client at the provider. */
  String clientSecret() {
    return clientSecret;
  }

  Set<String> scopes() {
    return scopes;
  }

  /** Whether users are identified by an OpenID Connect ID token (scope {@code openid}). */
  boolean openId() {
    return scopes.contains("openid");
  }

  /** This server's callback, registered at the provider. */
  public URI callbackUri() {
    return callbackUri;
  }

  Duration connectTimeout() {
    return connectTimeout;
  }

  Duration readTimeout() {
    return readTimeout;
  }

  @Override
  public String toString() {
    return "UpstreamProvider[client=" + clientId + ", callback=" + callbackUri + "]";
  }

  /** Not thread-safe; build once. */
  public static final class Builder {
    private String issuer;
    private String metadataJson;
    private String clientId;
    private String clientSecret;
    private final Set<String> scopes = new LinkedHashSet<>();
    private String callbackUri;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration readTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** Discover the provider's metadata from its issuer identifier. */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /**
     * The provider's metadata as a JSON document (RFC 8414 members: {@code issuer}, {@code
     * authorization_endpoint}, {@code token_endpoint}, and {@code jwks_uri} for OpenID, {@code
     * userinfo_endpoint} otherwise), for providers without discovery.
     */
    public Builder metadata(String json) {
      this.metadataJson = json;
      return this;
    }

    public Builder client(String clientId, String clientSecret) {
      this.clientId = clientId;
      this.clientSecret = clientSecret;
      return this;
    }

    /** Scopes asked of the provider. Default {@code openid}. */
    public Builder scopes(String... scopes) {
      this.scopes.addAll(List.of(scopes));
      return this;
    }

    /** This server's callback URL, e.g. {@code https://mcp.example.com/interaction/identity/callback}. */
    public Builder callbackUri(String uri) {
      this.callbackUri = uri;
      return this;
    }

    public Builder timeouts(Duration connect, Duration read) {
      this.connectTimeout = Objects.requireNonNull(connect, "connect");
      this.readTimeout = Objects.requireNonNull(read, "read");
      return this;
    }

    /** @throws IllegalStateException naming every setting to fix */
    public UpstreamProvider build() {
      List<String> problems = new ArrayList<>();
      if ((issuer == null) == (metadataJson == null)) {
        problems.add("give the upstream provider's issuer (discovery) or its metadata document, one of them");
      }
      if (clientId == null || clientId.isBlank()) {
        problems.add("the client id registered at the upstream provider is required");
      }
      if (callbackUri == null || Uris.parse(callbackUri).filter(u -> u.isAbsolute() && Uris.isSecureOrLoopback(u)).isEmpty()) {
        problems.add("the callback URI must be an absolute https URL (http only for localhost), got " + callbackUri);
      }
      AuthorizationServerMetadata parsed = null;
      if (metadataJson != null) {
        try {
          parsed = AuthorizationServerMetadata.parse(metadataJson);
          if (parsed.getAuthorizationEndpointURI() == null || parsed.getTokenEndpointURI() == null) {
            problems.add("the upstream metadata needs authorization_endpoint and token_endpoint");
          }
        } catch (ParseException e) {
          problems.add("the upstream metadata is not an authorization server metadata document: " + e.getMessage());
        }
      }
      if (scopes.isEmpty()) {
        scopes.add("openid");
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException("Invalid mcp-auth upstream provider: " + String.join("; ", problems));
      }
      return new UpstreamProvider(this, parsed);
    }
  }
}
