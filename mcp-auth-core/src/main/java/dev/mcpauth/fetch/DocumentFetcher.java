package dev.mcpauth.fetch;

import dev.mcpauth.fetch.FetchException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.RouteInfo.LayerType;
import org.apache.hc.client5.http.RouteInfo.TunnelType;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.BasicHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.ssl.TLS;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.util.Timeout;

/**
 * Fetches a small JSON document from a URL that an anonymous client supplied: an OAuth Client ID
 * Metadata Document (draft-ietf-oauth-client-id-metadata-document) or a client's {@code jwks_uri}.
 * Such a URL is a server-side request forgery boundary, so a fetch:
 *
 * <ul>
 *   <li>takes https URLs only (plain http to loopback only with {@link Builder#insecureAllowLoopback()});
 *   <li>resolves the host once, through the {@link HostResolver}, refuses it if <em>any</em> address is
 *       special-use (RFC 6890: loopback, private, link-local, cloud metadata...), and connects only to
 *       the addresses it checked, so a second DNS answer cannot move it (no rebinding); TLS still sends
 *       SNI and verifies the certificate against the URL's host name;
 *   <li>is one GET with {@code Accept: application/json}: no cookies, no credentials, no redirects
 *       (a 3xx fails), no content encoding (so the size cap counts the bytes on the wire);
 *   <li>accepts only a 200, and fails as soon as the body passes {@link Builder#maxBytes(int)};
 *   <li>is aborted when its total time passes, however slowly the server trickles bytes.
 * </ul>
 *
 * <p>Through an {@link Builder#egressProxy(String, int) egress proxy}, the host is still resolved and
 * checked here, and the proxy is asked to {@code CONNECT} to the first checked address as a literal,
 * not to the name; TLS inside the tunnel verifies the real host name. The proxy therefore never
 * resolves an attacker's name, and reaches only an address this check passed.
 *
 * <p>Name resolution itself is not interrupted by the total timeout (the JDK cannot abort a lookup);
 * its time does count against it. Each fetch uses its own connection, closed afterwards.
 *
 * <p>Immutable and thread-safe.
 */
public final class DocumentFetcher {
  /** Servers can recognise, and their operators contact, the fetcher. */
  static final String USER_AGENT = "mcp-auth document fetcher";

  private final boolean allowLoopback;
  private final HostResolver resolver;
  private final Duration connectTimeout;
  private final Duration totalTimeout;
  private final int maxBytes;
  private final HttpHost proxy;
  /** Made at the first fetch: loading the JVM's trust store costs start-up time a server may never need. */
  private volatile SSLContext sslContext;
  private final Freshness freshness;
  private final Clock clock;

  private DocumentFetcher(Builder builder, SSLContext sslContext) {
    this.allowLoopback = builder.allowLoopback;
    this.resolver = builder.resolver;
    this.connectTimeout = builder.connectTimeout;
    this.totalTimeout = builder.totalTimeout;
    this.maxBytes = builder.maxBytes;
    this.proxy = builder.proxyHost == null ? null : new HttpHost("http", builder.proxyHost, builder.proxyPort);
    this.sslContext = sslContext;
    this.freshness = builder.freshness;
    this.clock = builder.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether {@code url} passes the URL rules of every fetch (https, a host, a valid port, ASCII only,
   * no user info or fragment), before any address is looked at: for checking a URL when it is
   * registered, long before it is fetched.
   */
  public static boolean isAllowedUrl(URI url) {
    try {
      FetchTarget.of(url, false);
      return true;
    } catch (FetchException e) {
      return false;
    }
  }

  private SSLContext sslContext() {
    SSLContext context = sslContext;
    if (context == null) {
      synchronized (this) {
        if (sslContext == null) {
          sslContext = Builder.defaultTrust();
        }
        context = sslContext;
      }
    }
    return context;
  }

  /**
   * @return the document, if the server answered 200 within the limits
   * @throws FetchException for every refusal and failure; its safe message may be shown to the user
   */
  public FetchedDocument fetch(URI url) throws FetchException {
    FetchTarget target = FetchTarget.of(url, allowLoopback);
    try (Deadline deadline = Deadline.after(totalTimeout)) {
      List<InetAddress> addresses = checkedAddresses(target);
      if (!target.secure() && !addresses.stream().allMatch(SpecialUseAddresses::isLoopback)) {
        throw FetchTarget.notAllowed(); // the relaxation allows plain http to loopback only
      }
      if (deadline.expired()) {
        throw timeout(null);
      }
      return exchange(target, addresses, deadline);
    }
  }

  private List<InetAddress> checkedAddresses(FetchTarget target) throws FetchException {
    List<InetAddress> addresses;
    if (target.literal() != null) {
      addresses = List.of(target.literal());
    } else {
      try {
        addresses = resolver.resolve(target.host());
      } catch (UnknownHostException e) {
        addresses = null;
      }
      if (addresses == null || addresses.isEmpty() || addresses.stream().anyMatch(Objects::isNull)) {
        throw FetchException.of(Reason.UNRESOLVABLE, "the host name could not be resolved");
      }
    }
    for (InetAddress address : addresses) {
      if (SpecialUseAddresses.isSpecialUse(address) && !(allowLoopback && SpecialUseAddresses.isLoopback(address))) {
        throw FetchException.of(Reason.SPECIAL_USE_ADDRESS, "the host resolves to a private or special-use address",
            target.host() + " resolves to " + address.getHostAddress(), null);
      }
    }
    return List.copyOf(addresses);
  }

  private FetchedDocument exchange(FetchTarget target, List<InetAddress> addresses, Deadline deadline)
      throws FetchException {
    HttpGet request;
    try {
      request = new HttpGet(target.uri());
      // The Host header as the URL has it; URI.getHost() keeps an IPv6 literal's brackets.
      request.setAuthority(new URIAuthority(target.host(), target.uri().getPort()));
    } catch (IllegalArgumentException e) { // a URL HttpClient cannot take is refused, never a 500
      throw FetchTarget.notAllowed();
    }
    request.setHeader(HttpHeaders.ACCEPT, "application/json");
    AtomicBoolean reachedServer = new AtomicBoolean();
    CloseableHttpClient client = client(target, addresses, deadline.remaining(), reachedServer);
    try {
      deadline.onExpiry(request::cancel);
      ClassicHttpResponse response = client.executeOpen(null, request, null);
      if (!reachedServer.get()) { // HttpClient hands back the proxy's answer to a refused CONNECT
        throw FetchException.of(Reason.PROXY_REFUSED, "the egress proxy refused the connection",
            "the proxy answered " + response.getCode() + " to CONNECT for " + target.host(), null);
      }
      return document(response);
    } catch (IOException e) {
      throw deadline.expired() ? timeout(e) : failure(e, target);
    } catch (RuntimeException e) {
      if (deadline.expired()) { // an abort can surface from inside HttpClient as an illegal state
        throw timeout(e);
      }
      throw e;
    } finally {
      request.cancel(); // drops the connection: closing the response would read the rest of the body
      client.close(CloseMode.IMMEDIATE);
    }
  }

  /** An HttpClient for one fetch: it can only reach the checked addresses, and keeps nothing. */
  private CloseableHttpClient client(FetchTarget target, List<InetAddress> addresses, Duration remaining,
      AtomicBoolean reachedServer) {
    TlsSocketStrategy tls = ClientTlsStrategyBuilder.create()
        .setSslContext(sslContext())
        .setTlsVersions(TLS.V_1_3, TLS.V_1_2)
        // JSSE's HTTPS endpoint identification (RFC 9110 §4.3.4) against the name HttpClient passes:
        // the route's target name, which is the URL's host, also when connecting to a literal.
        .setHostVerificationPolicy(HostnameVerificationPolicy.BUILTIN)
        .buildClassic();
    BasicHttpClientConnectionManager connections = BasicHttpClientConnectionManager.create(
        null,
        new PinnedDns(target.host(), addresses, proxy == null ? null : proxy.getHostName()),
        RegistryBuilder.<TlsSocketStrategy>create().register("https", tls).build(),
        ManagedHttpClientConnectionFactory.builder()
            // Unbounded by default: a server could stream header lines until memory runs out.
            .http1Config(Http1Config.custom().setMaxLineLength(8 * 1024).setMaxHeaderCount(100).build())
            .build());
    Duration connect = connectTimeout.compareTo(remaining) < 0 ? connectTimeout : remaining;
    connections.setConnectionConfig(ConnectionConfig.custom()
        .setConnectTimeout(hcTimeout(connect))
        .setSocketTimeout(hcTimeout(remaining))
        .build());
    HttpRoute route = route(target, addresses);
    return HttpClients.custom()
        .setConnectionManager(connections)
        .setRoutePlanner((host, context) -> route)
        .setUserAgent(USER_AGENT)
        .setDefaultRequestConfig(RequestConfig.custom()
            .setResponseTimeout(hcTimeout(remaining))
            .setAuthenticationEnabled(false)
            .setRedirectsEnabled(false)
            .build())
        .setConnectionReuseStrategy((request, response, context) -> false)
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableContentCompression()
        .disableAuthCaching()
        .disableAutomaticRetries()
        .disableConnectionState()
        // Runs only once the route is open: a CONNECT the proxy refused never gets here.
        .addExecInterceptorAfter(ChainElement.CONNECT.name(), "mcp-auth-reached-server", (request, scope, chain) -> {
          reachedServer.set(true);
          return chain.proceed(request, scope);
        })
        .build();
  }

  /**
   * Direct: to the URL's host, which {@link PinnedDns} answers with the checked addresses. Through the
   * proxy: a tunnel to the first checked address as a literal, with the URL's host as the name TLS
   * verifies (HttpRoute's target name).
   */
  private HttpRoute route(FetchTarget target, List<InetAddress> addresses) {
    HttpHost origin = new HttpHost(target.scheme(), target.host(), target.port());
    if (proxy == null) {
      return new HttpRoute(origin, (InetAddress) null, target.secure());
    }
    InetAddress first = addresses.get(0);
    String literal = first.getHostAddress().replaceFirst("%.*$", "");
    HttpHost pinned = new HttpHost(target.scheme(), first, literal, target.port());
    return new HttpRoute(pinned, origin, null, new HttpHost[] {proxy}, target.secure(), TunnelType.TUNNELLED,
        target.secure() ? LayerType.LAYERED : LayerType.PLAIN);
  }

  private FetchedDocument document(ClassicHttpResponse response) throws IOException, FetchException {
    if (response.getCode() != 200) {
      throw FetchException.status(response.getCode());
    }
    Header encoding = response.getFirstHeader(HttpHeaders.CONTENT_ENCODING);
    if (encoding != null && !encoding.getValue().trim().equalsIgnoreCase("identity")) {
      throw FetchException.of(Reason.BAD_RESPONSE, "the server sent a compressed document, which is not accepted");
    }
    byte[] body = body(response.getEntity());
    Duration freshFor = freshness.of(
        Arrays.stream(response.getHeaders(HttpHeaders.CACHE_CONTROL)).map(Header::getValue).collect(Collectors.toList()),
        value(response, HttpHeaders.EXPIRES), value(response, HttpHeaders.DATE), value(response, HttpHeaders.AGE),
        clock.instant());
    return new FetchedDocument(body, value(response, HttpHeaders.CONTENT_TYPE), freshFor);
  }

  /** Reads at most one byte past the cap, so an endless body costs no more than that. */
  private byte[] body(HttpEntity entity) throws IOException, FetchException {
    if (entity == null) {
      return new byte[0];
    }
    if (entity.getContentLength() > maxBytes) {
      throw tooLarge();
    }
    InputStream in = entity.getContent(); // not closed: that would read the rest; the caller aborts instead
    byte[] body = in.readNBytes(maxBytes + 1);
    if (body.length > maxBytes) {
      throw tooLarge();
    }
    return body;
  }

  private FetchException tooLarge() {
    return FetchException.of(Reason.TOO_LARGE, "the document is larger than " + maxBytes + " bytes");
  }

  private static String value(ClassicHttpResponse response, String name) {
    Header header = response.getFirstHeader(name);
    return header == null ? null : header.getValue();
  }

  private static FetchException timeout(Exception cause) {
    return FetchException.of(Reason.TIMEOUT, "the server did not answer in time", null, cause);
  }

  private static FetchException failure(IOException e, FetchTarget target) {
    String detail = target.host() + ": " + e;
    if (e instanceof ConnectTimeoutException || e instanceof ConnectException || e instanceof NoRouteToHostException
        || e instanceof UnknownHostException) { // the last: the proxy's name did not resolve
      return FetchException.of(Reason.CONNECT_FAILED, "the server could not be reached", detail, e);
    }
    if (e instanceof SSLException) {
      return FetchException.of(Reason.TLS_FAILED, "no trusted TLS connection to the server could be made", detail, e);
    }
    if (e instanceof SocketTimeoutException) {
      return FetchException.of(Reason.TIMEOUT, "the server did not answer in time", detail, e);
    }
    return FetchException.of(Reason.BAD_RESPONSE, "the server's answer could not be read", detail, e);
  }

  private static Timeout hcTimeout(Duration duration) {
    return Timeout.ofMilliseconds(Math.max(1, duration.toMillis()));
  }

  /**
   * Secure defaults: https only, special-use addresses refused, 5120 bytes, 2 s to connect, 5 s in
   * all, the JVM's trust store, freshness between 1 minute and 24 hours (5 minutes without caching
   * headers), no proxy. Not thread-safe.
   */
  public static final class Builder {
    private boolean allowLoopback;
    private HostResolver resolver = HostResolver.SYSTEM;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration totalTimeout = Duration.ofSeconds(5);
    private int maxBytes = 5120;
    private String proxyHost;
    private int proxyPort;
    private SSLContext sslContext;
    private Freshness freshness = new Freshness(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(24));
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * For tests and local development only: allows loopback addresses (127.0.0.0/8, ::1), and plain
     * http when every address of the host is loopback. Every other special-use address stays refused.
     */
    public Builder insecureAllowLoopback() {
      this.allowLoopback = true;
      return this;
    }

    /** Default {@link HostResolver#SYSTEM}. Not used for the egress proxy's name. */
    public Builder hostResolver(HostResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** For each TCP connection and TLS handshake; default 2 seconds. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** For the whole fetch, from resolution to the last byte; default 5 seconds. */
    public Builder totalTimeout(Duration timeout) {
      this.totalTimeout = positive(timeout, "totalTimeout");
      return this;
    }

    /** The largest body accepted, in bytes as sent; default 5120. */
    public Builder maxBytes(int maxBytes) {
      if (maxBytes < 1 || maxBytes == Integer.MAX_VALUE) {
        throw new IllegalArgumentException("maxBytes must be positive and below Integer.MAX_VALUE");
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * An HTTP proxy that fetches go through with {@code CONNECT}. Its name is resolved by the system
     * and not checked (a corporate proxy usually has a private address); the fetched host is still
     * resolved and checked here, and the proxy is asked for the checked address, never the name.
     */
    public Builder egressProxy(String host, int port) {
      if (host == null || host.isBlank() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("egressProxy needs a host and a port in 1..65535");
      }
      this.proxyHost = host;
      this.proxyPort = port;
      return this;
    }

    /** Replaces the JVM's trust store (which {@code -Djavax.net.ssl.trustStore} sets); for tests and embedders. */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * Bounds for {@link FetchedDocument#freshFor()}: a document is fresh for what its caching headers
     * say (RFC 9111 §4.2), {@code dflt} without any, never less than {@code min} (also what
     * {@code no-store} and {@code no-cache} get) and never more than {@code max}.
     */
    public Builder freshness(Duration min, Duration dflt, Duration max) {
      this.freshness = new Freshness(min, dflt, max);
      return this;
    }

    /** For the receipt time when a response has {@code Expires} but no {@code Date}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public DocumentFetcher build() {
      if (connectTimeout.compareTo(totalTimeout) > 0) {
        throw new IllegalStateException("connectTimeout must not exceed totalTimeout");
      }
      return new DocumentFetcher(this, sslContext);
    }

    private static Duration positive(Duration duration, String name) {
      if (duration == null || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return duration;
    }

    /** The JVM's trust store and no client certificate: a fetch presents no credentials. */
    private static SSLContext defaultTrust() {
      try {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((KeyStore) null);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JVM's default trust store cannot be used", e);
      }
    }
  }
}
