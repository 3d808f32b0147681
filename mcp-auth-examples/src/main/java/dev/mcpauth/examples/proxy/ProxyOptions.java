package dev.mcpauth.examples.proxy;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxy's configuration, by the seed proxy's environment variable names so that an existing
 * deployment moves over unchanged; a flag named after a variable overrides it ({@code
 * --mcp-server-url} for {@code MCP_SERVER_URL}). Immutable.
 *
 * @param port {@code PORT}
 * @param baseUrl {@code BASE_URL}: the public URL, the issuer of the proxy's tokens
 * @param mcpServerUrl {@code MCP_SERVER_URL}: where the MCP server listens, e.g. {@code http://localhost:3000/mcp}
 * @param runCommand {@code MCP_SERVER_RUN_COMMAND}, or {@code null} when the MCP server runs on its own
 * @param identityServerUrl {@code IDENTITY_SERVER_URL}, or {@code null} with a metadata file
 * @param identityMetadataFile {@code IDENTITY_SERVER_METADATA_FILE}, or {@code null}
 * @param identityClientId {@code IDENTITY_CLIENT_ID}
 * @param identityClientSecret {@code IDENTITY_CLIENT_SECRET}, or {@code null}
 * @param identityScope {@code IDENTITY_SCOPE}, or {@code null} for {@code openid}
 * @param signingJwks {@code OIDC_PROVIDER_JWKS}: a JSON array of private JWKs (or a JWKS), the first
 *     signs; or {@code null} for a key of this process only
 * @param keysRetiredAt {@code OIDC_PROVIDER_JWKS_RETIRED_AT}: when the keys after the first stopped
 *     signing, or {@code null}
 * @param redisUrl {@code REDIS_URL}, or {@code null} for memory (one process, lost on restart)
 * @param upstreamTokenKey {@code MCP_AUTH_UPSTREAM_TOKEN_KEY}, or {@code null} for a key of this process only
 */
record ProxyOptions(int port, String baseUrl, URI mcpServerUrl, String runCommand, String identityServerUrl,
    String identityMetadataFile, String identityClientId, String identityClientSecret, String identityScope,
    String signingJwks, Instant keysRetiredAt, String redisUrl, String upstreamTokenKey) {

  static final List<String> VARIABLES = List.of("PORT", "BASE_URL", "MCP_SERVER_URL", "MCP_SERVER_RUN_COMMAND",
      "IDENTITY_SERVER_URL", "IDENTITY_SERVER_METADATA_FILE", "IDENTITY_CLIENT_ID", "IDENTITY_CLIENT_SECRET",
      "IDENTITY_SCOPE", "OIDC_PROVIDER_JWKS", "OIDC_PROVIDER_JWKS_RETIRED_AT", "REDIS_URL", "MCP_AUTH_UPSTREAM_TOKEN_KEY");

  static final String USAGE = """
      Usage: java -jar mcp-auth-example.jar proxy [--name value ...]

      An authorizing proxy in front of an MCP server: MCP clients authorize here (OAuth 2.1, dynamic
      registration, PKCE), users consent here and sign in at the upstream identity provider, and
      requests go on to the MCP server with the user's upstream access token, never the client's.

      Configured by environment variables; --kebab-case flags of the same names override them:
        PORT                          port to listen on (default 3001)
        BASE_URL                      the public URL (default http://localhost:PORT)
        MCP_SERVER_URL                the MCP server's URL, e.g. http://localhost:3000/mcp (required)
        MCP_SERVER_RUN_COMMAND        a command that starts the MCP server (sh -c), restarted if it dies
        IDENTITY_SERVER_URL           the identity provider's issuer, for discovery
        IDENTITY_SERVER_METADATA_FILE its metadata JSON, for providers without discovery
        IDENTITY_CLIENT_ID            the proxy's client at the provider (required)
        IDENTITY_CLIENT_SECRET        its secret
        IDENTITY_SCOPE                scopes asked of the provider (default openid)
        OIDC_PROVIDER_JWKS            the proxy's signing keys, a JSON array of private JWKs; the
                                      first signs, the others verify what they signed by
        OIDC_PROVIDER_JWKS_RETIRED_AT when they stopped signing, e.g. 2026-01-01T12:00:00Z
                                      (required with more than one key)
        REDIS_URL                     shared storage, redis://host:port (default: memory)
        MCP_AUTH_UPSTREAM_TOKEN_KEY   base64 AES-256 key sealing the provider's tokens
      Register BASE_URL/interaction/identity/callback at the provider.
      """;

  /** @throws IllegalArgumentException listing every missing or invalid setting */
  static ProxyOptions parse(Map<String, String> environment, String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String variable : VARIABLES) {
      if (environment.get(variable) != null && !environment.get(variable).isBlank()) {
        values.put(variable, environment.get(variable));
      }
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2).toUpperCase().replace('-', '_') : null;
      if (name == null || !VARIABLES.contains(name) || i + 1 >= args.length) {
        problems.add("unknown option or missing value: " + args[i]);
        continue;
      }
      values.put(name, args[++i]);
    }
    int port = 3001;
    try {
      port = Integer.parseInt(values.getOrDefault("PORT", "3001"));
    } catch (NumberFormatException e) {
      problems.add("PORT must be a number");
    }
    URI mcpServer = null;
    if (values.get("MCP_SERVER_URL") == null) {
      problems.add("MCP_SERVER_URL is required (where the MCP server listens, e.g. http://localhost:3000/mcp)");
    } else {
      try {
        mcpServer = URI.create(values.get("MCP_SERVER_URL"));
        if (!"http".equals(mcpServer.getScheme()) && !"https".equals(mcpServer.getScheme())) {
          problems.add("MCP_SERVER_URL must be an http or https URL");
        }
      } catch (IllegalArgumentException e) {
        problems.add("MCP_SERVER_URL is not a URL");
      }
    }
    if (values.get("IDENTITY_SERVER_URL") == null && values.get("IDENTITY_SERVER_METADATA_FILE") == null) {
      problems.add("IDENTITY_SERVER_URL (or IDENTITY_SERVER_METADATA_FILE) is required");
    }
    if (values.get("IDENTITY_CLIENT_ID") == null) {
      problems.add("IDENTITY_CLIENT_ID is required (the proxy's client at the identity provider)");
    }
    Instant keysRetiredAt = null;
    if (values.get("OIDC_PROVIDER_JWKS_RETIRED_AT") != null) {
      try {
        keysRetiredAt = OffsetDateTime.parse(values.get("OIDC_PROVIDER_JWKS_RETIRED_AT")).toInstant();
      } catch (DateTimeParseException e) {
        problems.add("OIDC_PROVIDER_JWKS_RETIRED_AT must be an ISO-8601 time with its offset, e.g. 2026-01-01T12:00:00Z");
      }
    }
    String baseUrl = "http://localhost:" + port;
    if (values.get("BASE_URL") != null) {
      try {
        baseUrl = dev.mcpauth.examples.BaseUrl.parse(values.get("BASE_URL"), "BASE_URL");
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Cannot start the proxy:\n  - " + String.join("\n  - ", problems));
    }
    return new ProxyOptions(port, baseUrl, mcpServer, values.get("MCP_SERVER_RUN_COMMAND"),
        values.get("IDENTITY_SERVER_URL"), values.get("IDENTITY_SERVER_METADATA_FILE"), values.get("IDENTITY_CLIENT_ID"),
        values.get("IDENTITY_CLIENT_SECRET"), values.get("IDENTITY_SCOPE"), values.get("OIDC_PROVIDER_JWKS"),
        keysRetiredAt, values.get("REDIS_URL"), values.get("MCP_AUTH_UPSTREAM_TOKEN_KEY"));
  }

  @Override
  public String toString() {
    return "ProxyOptions[port=" + port + ", baseUrl=" + baseUrl + ", mcpServerUrl=" + mcpServerUrl
        + ", identity=" + (identityServerUrl != null ? identityServerUrl : identityMetadataFile) + "]";
  }
}
