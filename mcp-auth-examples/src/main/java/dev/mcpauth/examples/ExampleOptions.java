package dev.mcpauth.examples;

import dev.mcpauth.servlet.PasswordHash;
import dev.mcpauth.ratelimit.LimitedAction;
import dev.mcpauth.ratelimit.RateLimit;
import dev.mcpauth.ratelimit.SourceAddresses;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example server's command line. Immutable.
 *
 * @param port the port to listen on; 0 picks a free one
 * @param baseUrl the public URL, or {@code null} for {@code http://localhost:PORT}
 * @param users user name to password or encoded {@link PasswordHash}, from {@code --user}, {@code --users-file}
 *     and {@code MCP_AUTH_USERS}; empty means the single demo user without login
 * @param allowedOrigins browser origins allowed to call the MCP endpoint besides the server's own
 * @param authorizationServer the external issuer in resource-server mode, or {@code null} for the
 *     embedded authorization server
 * @param introspectionClientId the resource server's client id for introspection, or {@code null}
 * @param introspectionClientSecret its secret, or {@code null}
 * @param claimsMapping the name of the issuer's claims mapping ({@code standard} by default)
 * @param acceptedAudiences further {@code aud} values that mean this resource
 * @param store {@code memory}, {@code jdbc:<url>} or {@code redis://host:port}
 * @param signingKey the signing key's JWK (with its private part), or {@code null} to generate one
 * @param retiredSigningKey a previous signing key's JWK that still verifies, or {@code null}
 * @param retiredAt when the retired key stopped signing ({@code --retired-at}), or {@code null} without one
 * @param revocationCheckInterval seconds a cached verification is trusted, or {@code null} for the default
 * @param clients how clients identify themselves: metadata documents and pre-registered clients
 * @param limits rate limits and the trusted proxies that name the source address
 * @param newSigningKey whether to print a new signing key (a private JWK) and exit
 * @param hashPassword whether to read a password, print its hash for a user entry and exit
 * @param help whether to print the usage and exit
 */
record ExampleOptions(int port, String baseUrl, Map<String, String> users, List<String> allowedOrigins,
    String authorizationServer, String introspectionClientId, String introspectionClientSecret, String claimsMapping,
    List<String> acceptedAudiences, String store, String signingKey, String retiredSigningKey, Instant retiredAt,
    Integer revocationCheckInterval, Identity identity, Clients clients, Limits limits, boolean newSigningKey,
    boolean hashPassword, boolean help) {
  /**
   * Rate limiting of the embedded authorization server.
   *
   * @param trustedProxies {@code --trusted-proxy}: CIDR blocks whose {@code X-Forwarded-For} names the source
   * @param rateLimits {@code --rate-limit}: the actions whose limits replace the defaults; an empty list is off
   */
  record Limits(List<String> trustedProxies, Map<LimitedAction, List<RateLimit>> rateLimits) {}

  /** The names {@code --rate-limit} takes. */
  static final Map<String, LimitedAction> RATE_LIMITED = Map.of(
      "registration", LimitedAction.REGISTRATION,
      "token", LimitedAction.TOKEN,
      "authorization", LimitedAction.AUTHORIZATION,
      "introspection", LimitedAction.INTROSPECTION_AND_REVOCATION,
      "login-per-user", LimitedAction.FAILED_LOGIN_PER_USER,
      "login-per-address", LimitedAction.FAILED_LOGIN_PER_ADDRESS);

  /**
   * Client identity options of the embedded authorization server.
   *
   * @param metadataDocuments {@code --cimd on|off}: whether Client ID Metadata Documents are fetched
   * @param metadataDocumentHosts {@code --cimd-allow-host}: the only hosts admitted; empty for every host
   * @param insecureLoopback {@code --insecure-cimd-loopback}: whether documents on loopback hosts may be fetched
   * @param clientsJson the contents of {@code --clients FILE}, or {@code null}
   */
  record Clients(boolean metadataDocuments, List<String> metadataDocumentHosts, boolean insecureLoopback,
      String clientsJson) {}

  /**
   * The upstream identity provider of a federated login, by the seed proxy's variable names.
   *
   * @param serverUrl {@code IDENTITY_SERVER_URL}: its issuer, for discovery; or {@code null} with a metadata file
   * @param metadata the contents of {@code IDENTITY_SERVER_METADATA_FILE}, or {@code null}
   * @param clientId {@code IDENTITY_CLIENT_ID}
   * @param clientSecret {@code IDENTITY_CLIENT_SECRET}, or {@code null} for a public client
   * @param scope {@code IDENTITY_SCOPE}, space-separated; {@code null} for {@code openid}
   * @param tokenKey {@code MCP_AUTH_UPSTREAM_TOKEN_KEY}: the AES key sealing upstream tokens, or {@code null}
   */
  record Identity(String serverUrl, String metadata, String clientId, String clientSecret, String scope,
      String tokenKey) {
    @Override
    public String toString() {
      return "Identity[" + (serverUrl != null ? serverUrl : "metadata file") + ", client=" + clientId + "]";
    }
  }

  /** Read when {@code --signing-key} is not given: the JWK itself, as the library's README suggests. */
  static final String SIGNING_KEY_VARIABLE = "MCP_AUTH_SIGNING_JWK";
  /** Read when {@code --introspection-client-secret} is not given, to keep the secret off the command line. */
  static final String INTROSPECTION_SECRET_VARIABLE = "MCP_AUTH_INTROSPECTION_CLIENT_SECRET";
  /** Users as in a users file, entries separated by commas or newlines: keeps passwords off the command line. */
  static final String USERS_VARIABLE = "MCP_AUTH_USERS";
  static final List<String> CLAIMS_MAPPINGS = List.of("standard", "keycloak", "auth0", "entra", "okta");

  static final String USAGE = """
      Usage: java -jar mcp-auth-example.jar [options]

      An MCP server (official MCP Java SDK, Streamable HTTP) guarded by mcp-auth: by default with its
      embedded OAuth 2.1 authorization server and in-memory storage; with --authorization-server as a
      resource server for an external one.

        --port N                port to listen on (default: PORT, else 8080; 0 picks a free port)
        --base-url URL          the public URL of this server (default: BASE_URL, else
                                http://localhost:PORT); PORT and BASE_URL as Cloud Run sets them
        --users-file FILE       users who may log in, one per line: NAME:PASSWORD, or NAME:HASH with
                                a hash from --hash-password (pbkdf2-sha256$...); blank lines and
                                lines starting with # are skipped. Without any user (from here,
                                MCP_AUTH_USERS or --user), there is no login and everyone who
                                reaches the consent page is the user "demo"
                                MCP_AUTH_USERS: the same entries, separated by commas or newlines
                                (a password with a comma belongs in the file, or hashed)
        --user NAME:PASSWORD    a user who may log in, for quick local use; repeat for more. The
                                password is visible to other local users (ps, /proc): use
                                --users-file or MCP_AUTH_USERS anywhere else
        --hash-password         read a password (from the terminal without echo, or one line of
                                standard input), print its hash for a NAME:HASH entry, and exit
        --allow-origin ORIGIN   a browser origin allowed to call the MCP endpoint directly, e.g. the
                                MCP Inspector's http://localhost:6274; repeat for more
        --store STORE           where clients, grants and tokens live: memory (default, lost on
                                restart), jdbc:<url> (PostgreSQL for several replicas, or H2 on one
                                machine: jdbc:h2:file:./mcp-auth-data), or redis://host:port
        --signing-key FILE      the token signing key, a JWK with its private part (EC P-256 or
                                RSA); or the JWK itself in MCP_AUTH_SIGNING_JWK. Replicas sharing a
                                store need the same key. Default: a new key for this process only
        --retired-signing-key FILE --retired-at TIME
                                the previous signing key, and when it stopped signing (ISO-8601,
                                e.g. 2026-01-01T12:00:00Z; keep it across restarts): it verifies
                                the tokens it signed by then until they expire (key rotation)
        --cimd on|off           accept clients identified by a Client ID Metadata Document (an https
                                client_id URL whose document this server fetches), as Claude,
                                ChatGPT and VS Code do (default on)
        --cimd-allow-host HOST  accept metadata documents only from this host, e.g. claude.ai;
                                repeatable (default: every https host)
        --insecure-cimd-loopback
                                also fetch metadata documents from loopback hosts (localhost), for
                                local testing only; never in production
        --clients FILE          pre-registered clients: a JSON array of RFC 7591 client metadata
                                with client_id and client_secret or jwks/jwks_uri; grant_types may
                                include client_credentials (machine clients), scope limits each
        --trusted-proxy CIDR    a reverse proxy in front of this server, e.g. 10.0.0.0/8; repeatable.
                                For requests from it, rate limits count the client address that its
                                X-Forwarded-For names (read from the right). Without it, every request
                                counts by its connection's address
        --rate-limit NAME=LIMIT[,LIMIT...]|NAME=off
                                replace a default rate limit; NAME is registration (default
                                600/hour,5000/day per address), token (1200/minute), authorization
                                (1200/hour), introspection (with revocation, 6000/minute),
                                login-per-user (failed logins: 5/minute,20/hour,100/day) or
                                login-per-address (30/minute,300/hour); LIMIT is N/second, N/minute,
                                N/hour or N/day. Repeatable. Over a limit: 429 with Retry-After
        --revocation-check-interval SECONDS
                                how long a cached token verification is trusted before the grant is
                                read again: the bound on seeing another replica's revocation
                                (default 30)
      Federated login (users consent here, then sign in at an upstream identity provider; flags
      override the environment variables named after them):
        --identity-server-url URL         IDENTITY_SERVER_URL: the provider's issuer (discovery)
        --identity-server-metadata-file F IDENTITY_SERVER_METADATA_FILE: its metadata, for providers
                                          without discovery
        --identity-client-id ID           IDENTITY_CLIENT_ID
        --identity-client-secret SECRET   IDENTITY_CLIENT_SECRET
        --identity-scope SCOPE            IDENTITY_SCOPE (default openid)
                                          MCP_AUTH_UPSTREAM_TOKEN_KEY: base64 AES-256 key sealing the
                                          provider's tokens; without it, one for this process only
        --new-signing-key       print a new EC P-256 signing key (a private JWK) for --signing-key,
                                and exit

      Resource-server mode (users log in at the external authorization server):
        --authorization-server ISSUER_URL
                                the external issuer, exactly as its metadata names it; its JWT
                                access tokens are verified against its JWKS
        --introspection-client-id ID
        --introspection-client-secret SECRET
                                check every token by RFC 7662 introspection (opaque tokens) as this
                                client; the secret may instead come from the environment variable
                                MCP_AUTH_INTROSPECTION_CLIENT_SECRET
        --claims-mapping NAME   how to read the issuer's claims: standard (default), keycloak, auth0,
                                entra, okta
        --accept-audience AUD   a further token audience that means this server (Entra puts its
                                application id there); repeatable

        --help                  show this text
      """;

  /** @throws IllegalArgumentException saying what is wrong with the arguments */
  static ExampleOptions parse(String... args) {
    return parse(System.getenv(), args);
  }

  static ExampleOptions parse(Map<String, String> environment, String... args) {
    // Cloud Run's contract, and the proxy's names: the variables give defaults, the flags win.
    int port = environment.get("PORT") == null ? 8080 : port(environment.get("PORT"), "PORT");
    String baseUrl = environment.get("BASE_URL") == null ? null : BaseUrl.parse(environment.get("BASE_URL"), "BASE_URL");
    Map<String, String> users = new LinkedHashMap<>();
    List<String> origins = new ArrayList<>();
    String authorizationServer = null;
    String introspectionClientId = null;
    String introspectionClientSecret = null;
    String claimsMapping = "standard";
    List<String> audiences = new ArrayList<>();
    String store = "memory";
    String signingKey = null;
    String retiredSigningKey = null;
    Instant retiredAt = null;
    Integer revocationCheckInterval = null;
    boolean newSigningKey = false;
    boolean hashPassword = false;
    boolean cimd = true;
    List<String> cimdHosts = new ArrayList<>();
    boolean insecureCimdLoopback = false;
    String clientsJson = null;
    List<String> trustedProxies = new ArrayList<>();
    Map<LimitedAction, List<RateLimit>> rateLimits = new EnumMap<>(LimitedAction.class);
    Map<String, String> identity = new LinkedHashMap<>();
    for (String variable : List.of("IDENTITY_SERVER_URL", "IDENTITY_SERVER_METADATA_FILE", "IDENTITY_CLIENT_ID",
        "IDENTITY_CLIENT_SECRET", "IDENTITY_SCOPE")) {
      if (environment.get(variable) != null) {
        identity.put(variable, environment.get(variable));
      }
    }
    boolean help = false;
    if (environment.get(USERS_VARIABLE) != null) {
      String[] entries = environment.get(USERS_VARIABLE).split("[,\\r\\n]", -1);
      int number = 0;
      for (String entry : entries) {
        if (!entry.isBlank()) {
          number++;
          addUser(users, entry.strip(), USERS_VARIABLE + " entry " + number, "expected NAME:PASSWORD or NAME:HASH");
        }
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> help = true;
        case "--new-signing-key" -> newSigningKey = true;
        case "--hash-password" -> hashPassword = true;
        case "--identity-server-url" -> identity.put("IDENTITY_SERVER_URL", value(args, ++i, arg));
        case "--identity-server-metadata-file" -> identity.put("IDENTITY_SERVER_METADATA_FILE", value(args, ++i, arg));
        case "--identity-client-id" -> identity.put("IDENTITY_CLIENT_ID", value(args, ++i, arg));
        case "--identity-client-secret" -> identity.put("IDENTITY_CLIENT_SECRET", value(args, ++i, arg));
        case "--identity-scope" -> identity.put("IDENTITY_SCOPE", value(args, ++i, arg));
        case "--port" -> port = port(value(args, ++i, arg), "--port");
        case "--base-url" -> baseUrl = BaseUrl.parse(value(args, ++i, arg), "--base-url");
        case "--user" -> addUser(users, value(args, ++i, arg), "--user", "--user takes NAME:PASSWORD, both non-empty");
        case "--users-file" -> {
          String path = value(args, ++i, arg);
          String[] lines = readFile(path, arg).split("\\r?\\n|\\r", -1);
          for (int line = 0; line < lines.length; line++) {
            String entry = lines[line].strip();
            if (!entry.isEmpty() && !entry.startsWith("#")) {
              addUser(users, entry, "--users-file " + path + " line " + (line + 1), "expected NAME:PASSWORD or NAME:HASH");
            }
          }
        }
        case "--allow-origin" -> origins.add(value(args, ++i, arg));
        case "--authorization-server" -> authorizationServer = value(args, ++i, arg);
        case "--introspection-client-id" -> introspectionClientId = value(args, ++i, arg);
        case "--introspection-client-secret" -> introspectionClientSecret = value(args, ++i, arg);
        case "--claims-mapping" -> {
          claimsMapping = value(args, ++i, arg);
          if (!CLAIMS_MAPPINGS.contains(claimsMapping)) {
            throw new IllegalArgumentException("--claims-mapping takes one of " + String.join(", ", CLAIMS_MAPPINGS));
          }
        }
        case "--accept-audience" -> audiences.add(value(args, ++i, arg));
        case "--store" -> store = value(args, ++i, arg);
        case "--signing-key" -> signingKey = readFile(value(args, ++i, arg), arg);
        case "--retired-signing-key" -> retiredSigningKey = readFile(value(args, ++i, arg), arg);
        case "--retired-at" -> retiredAt = time(value(args, ++i, arg), arg);
        case "--cimd" -> cimd = switch (value(args, ++i, arg)) {
          case "on" -> true;
          case "off" -> false;
          default -> throw new IllegalArgumentException("--cimd takes on or off");
        };
        case "--cimd-allow-host" -> cimdHosts.add(host(value(args, ++i, arg), arg));
        case "--insecure-cimd-loopback" -> insecureCimdLoopback = true;
        case "--clients" -> clientsJson = readFile(value(args, ++i, arg), arg);
        case "--revocation-check-interval" -> revocationCheckInterval = seconds(value(args, ++i, arg), arg);
        case "--trusted-proxy" -> trustedProxies.add(cidr(value(args, ++i, arg), arg));
        case "--rate-limit" -> rateLimit(value(args, ++i, arg), rateLimits);
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    if (!store.equals("memory") && !store.startsWith("jdbc:") && !store.startsWith("redis://")
        && !store.startsWith("rediss://")) {
      throw new IllegalArgumentException("--store takes memory, jdbc:<url> or redis://host:port");
    }
    if ((retiredSigningKey == null) != (retiredAt == null)) {
      // Not the start-up time: a restart would move it, and the key would verify what it signed since.
      throw new IllegalArgumentException("--retired-signing-key and --retired-at go together: the retired key and"
          + " when it stopped signing, e.g. --retired-at 2026-01-01T12:00:00Z");
    }
    if (introspectionClientId != null && introspectionClientSecret == null) {
      introspectionClientSecret = environment.get(INTROSPECTION_SECRET_VARIABLE);
    }
    if (authorizationServer == null) {
      if (introspectionClientId != null || introspectionClientSecret != null || !audiences.isEmpty()) {
        throw new IllegalArgumentException("--introspection-client-id, --introspection-client-secret and"
            + " --accept-audience need --authorization-server");
      }
    } else {
      if (!users.isEmpty()) {
        throw new IllegalArgumentException("--user, --users-file and " + USERS_VARIABLE + " do not go together with"
            + " --authorization-server: users log in at " + authorizationServer);
      }
      if (!store.equals("memory") || signingKey != null || retiredSigningKey != null || revocationCheckInterval != null) {
        throw new IllegalArgumentException("--store, --signing-key, --retired-signing-key, --retired-at and"
            + " --revocation-check-interval are for the embedded authorization server, not for --authorization-server");
      }
      if (!trustedProxies.isEmpty() || !rateLimits.isEmpty()) {
        throw new IllegalArgumentException("--trusted-proxy and --rate-limit are for the embedded authorization server,"
            + " not for --authorization-server");
      }
      if (!cimd || !cimdHosts.isEmpty() || insecureCimdLoopback || clientsJson != null) {
        throw new IllegalArgumentException("--cimd, --cimd-allow-host, --insecure-cimd-loopback and --clients are for the"
            + " embedded authorization server, not for --authorization-server");
      }
      if ((introspectionClientId == null) != (introspectionClientSecret == null)) {
        throw new IllegalArgumentException("introspection needs both --introspection-client-id and"
            + " --introspection-client-secret (or " + INTROSPECTION_SECRET_VARIABLE + ")");
      }
    }
    Identity upstream = null;
    if (identity.containsKey("IDENTITY_SERVER_URL") || identity.containsKey("IDENTITY_SERVER_METADATA_FILE")) {
      if (!users.isEmpty() || authorizationServer != null) {
        throw new IllegalArgumentException("a federated login (IDENTITY_SERVER_URL) goes with neither users (--user,"
            + " --users-file, " + USERS_VARIABLE + ") nor --authorization-server");
      }
      if (identity.get("IDENTITY_CLIENT_ID") == null) {
        throw new IllegalArgumentException("a federated login needs IDENTITY_CLIENT_ID (--identity-client-id)");
      }
      String metadataFile = identity.get("IDENTITY_SERVER_METADATA_FILE");
      upstream = new Identity(identity.get("IDENTITY_SERVER_URL"),
          metadataFile == null ? null : readFile(metadataFile, "IDENTITY_SERVER_METADATA_FILE"),
          identity.get("IDENTITY_CLIENT_ID"), identity.get("IDENTITY_CLIENT_SECRET"), identity.get("IDENTITY_SCOPE"),
          environment.get("MCP_AUTH_UPSTREAM_TOKEN_KEY"));
    }
    if (signingKey == null && authorizationServer == null) {
      signingKey = environment.get(SIGNING_KEY_VARIABLE);
    }
    return new ExampleOptions(port, baseUrl, Map.copyOf(users), List.copyOf(origins), authorizationServer,
        introspectionClientId, introspectionClientSecret, claimsMapping, List.copyOf(audiences), store, signingKey,
        retiredSigningKey, retiredAt, revocationCheckInterval, upstream,
        new Clients(cimd, List.copyOf(cimdHosts), insecureCimdLoopback, clientsJson),
        new Limits(List.copyOf(trustedProxies), Map.copyOf(rateLimits)), newSigningKey, hashPassword, help);
  }

  /**
   * Adds {@code NAME:PASSWORD} or {@code NAME:HASH}; {@code where} names the entry in errors, which
   * never repeat the password or hash.
   */
  private static void addUser(Map<String, String> users, String entry, String where, String expected) {
    int colon = entry.indexOf(':');
    if (colon < 1 || colon == entry.length() - 1) {
      throw new IllegalArgumentException(where.equals("--user") ? expected : where + ": " + expected);
    }
    String name = entry.substring(0, colon);
    String password = entry.substring(colon + 1);
    if (Character.isWhitespace(name.charAt(name.length() - 1)) || Character.isWhitespace(password.charAt(0))) {
      // "dave :secret" would make a user "dave " whom nobody logs in as; a leading space of a password is likelier a typo
      throw new IllegalArgumentException(where + ": no spaces around the colon of NAME:PASSWORD");
    }
    if (PasswordHash.isEncoded(password)) {
      try {
        PasswordHash.parse(password);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + " (user " + name + "): " + e.getMessage());
      }
    }
    if (users.putIfAbsent(name, password) != null) {
      throw new IllegalArgumentException(where + ": user " + name + " is already given");
    }
  }

  private static String cidr(String value, String option) {
    try {
      SourceAddresses.trustingProxies(List.of(value), SourceAddresses.Header.X_FORWARDED_FOR);
      return value;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }

  /** {@code registration=600/hour,5000/day} or {@code registration=off}. */
  private static void rateLimit(String value, Map<LimitedAction, List<RateLimit>> rateLimits) {
    int eq = value.indexOf('=');
    LimitedAction action = eq < 0 ? null : RATE_LIMITED.get(value.substring(0, eq));
    if (action == null) {
      throw new IllegalArgumentException("--rate-limit takes NAME=LIMIT[,LIMIT...] or NAME=off, NAME one of "
          + String.join(", ", new java.util.TreeSet<>(RATE_LIMITED.keySet())) + ", e.g. registration=600/hour");
    }
    String limits = value.substring(eq + 1);
    List<RateLimit> parsed = new ArrayList<>();
    if (!limits.equals("off")) {
      for (String limit : limits.split(",")) {
        try {
          parsed.add(RateLimit.parse(limit));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--rate-limit " + value + ": " + e.getMessage());
        }
      }
    }
    rateLimits.put(action, List.copyOf(parsed));
  }

  private static String readFile(String path, String option) {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of(path));
    } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException(option + ": cannot read " + path);
    }
  }

  /** An ISO-8601 instant, or a date-time with an offset. */
  static Instant time(String value, String option) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + " takes an ISO-8601 time with its offset, e.g. 2026-01-01T12:00:00Z");
    }
  }

  /** A bare host name, as metadata document URLs name it: no scheme, port or path. */
  private static String host(String value, String option) {
    if (!value.matches("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]")) {
      throw new IllegalArgumentException(option + " takes a host name such as claude.ai (no scheme, port or path)");
    }
    return value;
  }

  private static int seconds(String value, String option) {
    try {
      int seconds = Integer.parseInt(value);
      if (seconds < 1) {
        throw new NumberFormatException();
      }
      return seconds;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a whole number of seconds, at least 1");
    }
  }

  boolean resourceServerMode() {
    return authorizationServer != null;
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length || args[index].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  private static int port(String value, String source) {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + " takes a number from 0 to 65535");
    }
  }

  @Override
  public String toString() {
    return "ExampleOptions[port=" + port + ", baseUrl=" + baseUrl + ", users=" + users.keySet()
        + ", authorizationServer=" + authorizationServer + ", introspectionClientId=" + introspectionClientId
        + ", store=" + store.replaceAll("(?i)(password=)[^&;]*|//[^/@]*@", "$1***") + "]";
  }
}
