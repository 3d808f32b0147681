package dev.mcpauth.internal;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an external authorization server's metadata (RFC 8414 §3, OpenID Connect Discovery 1.0 §4)
 * at each URL clients probe, in the MCP 2025-11-25 order, and accepts the first document whose
 * {@code issuer} is exactly the configured one (RFC 8414 §3.3). For resource-server mode and for
 * upstream identity providers. Thread-safe.
 */
public final class IssuerDiscovery {
  /** Metadata documents are a few kilobytes; a bigger answer is not one. */
  private static final int MAX_DOCUMENT_BYTES = 512 * 1024;

  /** Discovery did not succeed; the message says why, for the operator's log. */
  public static final class DiscoveryException extends Exception {
    public DiscoveryException(String message) {
      super(message, null, false, false);
    }
  }

  private final String issuer;
  private final HttpClient http;
  private final Duration readTimeout;

  public IssuerDiscovery(String issuer, Duration connectTimeout, Duration readTimeout) {
    this.issuer = issuer;
    this.readTimeout = readTimeout;
    this.http = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * The metadata URLs for the issuer, in probe order. For {@code https://as/tenant1}: {@code
   * /.well-known/oauth-authorization-server/tenant1}, {@code /.well-known/openid-configuration/tenant1},
   * {@code /tenant1/.well-known/openid-configuration}; for an issuer without a path, the RFC 8414 and
   * the OpenID document at the root.
   */
  public static List<URI> metadataUrls(String issuer) {
    URI uri = URI.create(issuer);
    String origin = uri.getScheme() + "://" + uri.getRawAuthority();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
    List<URI> urls = new ArrayList<>();
    urls.add(URI.create(origin + "/.well-known/oauth-authorization-server" + path));
    urls.add(URI.create(origin + "/.well-known/openid-configuration" + path));
    if (!path.isEmpty()) {
      urls.add(URI.create(origin + path + "/.well-known/openid-configuration"));
    }
    return urls;
  }

  /** The issuer's metadata, as Nimbus parsed it (OpenID documents parse as RFC 8414 ones too). */
  public AuthorizationServerMetadata discover() throws DiscoveryException {
    List<String> failures = new ArrayList<>();
    for (URI url : metadataUrls(issuer)) {
      String document;
      try {
        document = fetch(url);
      } catch (DiscoveryException e) {
        failures.add(url + ": " + e.getMessage());
        continue;
      }
      AuthorizationServerMetadata metadata;
      try {
        metadata = AuthorizationServerMetadata.parse(document);
      } catch (ParseException e) {
        failures.add(url + ": not an authorization server metadata document (" + e.getMessage() + ")");
        continue;
      }
      String named = metadata.getIssuer().getValue();
      if (!issuer.equals(named)) {
        // RFC 8414 §3.3: a document naming another issuer must not be used (mix-up defence).
        throw new DiscoveryException("the metadata at " + url + " names the issuer " + named
            + ", not the configured " + issuer + "; configure the issuer exactly as it names itself");
      }
      return metadata;
    }
    throw new DiscoveryException("no metadata for " + issuer + " at any of: " + String.join("; ", failures));
  }

  private String fetch(URI url) throws DiscoveryException {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(readTimeout).header("Accept", "application/json").GET().build();
    try {
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new DiscoveryException("HTTP " + response.statusCode());
        }
        byte[] bytes = body.readNBytes(MAX_DOCUMENT_BYTES + 1);
        if (bytes.length > MAX_DOCUMENT_BYTES) {
          throw new DiscoveryException("the document is larger than " + MAX_DOCUMENT_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new DiscoveryException("unreachable (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DiscoveryException("interrupted");
    }
  }
}
