package dev.mcpauth.store.redis;

import dev.mcpauth.OAuthException;
import dev.mcpauth.authorization.PendingAuthorization;
import dev.mcpauth.client.Client;
import dev.mcpauth.internal.ThrottledLog;
import dev.mcpauth.store.ClientAssertionStore;
import dev.mcpauth.store.ClientStore;
import dev.mcpauth.store.GrantStore;
import dev.mcpauth.store.LoginSessionStore;
import dev.mcpauth.store.McpSessionStore;
import dev.mcpauth.store.PendingAuthorizationStore;
import dev.mcpauth.store.RateLimitStore;
import dev.mcpauth.store.Redemption;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.StoredJson;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.store.TokenStore;
import dev.mcpauth.store.UpstreamTokenStore;
import dev.mcpauth.token.Grant;
import dev.mcpauth.token.StoredToken;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * mcp-auth's storage in Redis (6.2 or later), for several replicas that share state.
 *
 * <pre>{@code
 * Storage storage = RedisStorage.connect(URI.create("redis://127.0.0.1:6379")).build();
 * }</pre>
 *
 * <ul>
 *   <li>Each value is one key holding a JSON document with hashes only ({@code mcp-auth:client:<id>},
 *       {@code …:pending:<hash>}, {@code …:grant:<id>}, {@code …:token:<hash>}), with a native TTL at
 *       the value's expiry, so Redis removes what lapsed by itself.
 *   <li>One-time use is atomic in Redis: a pending authorization is taken with {@code GETDEL}; a code
 *       or refresh token is consumed by {@code SET …:token-used:<hash> NX}, which exactly one caller on
 *       any server wins, and the marker lives as long as the token so a replay is recognised.
 *   <li>Revoking a grant deletes one key: every code and token of it is checked against the grant.
 *       Nothing scans the keyspace.
 *   <li>Of several replicas, one refreshes a grant's upstream tokens at a time: the grant's refresh
 *       lease ({@code …:upstream-lease:<grant>}) is taken by a Lua script that sets it unless a live
 *       one is there, and released only by its owner.
 *   <li>A used client assertion ({@code private_key_jwt}) is remembered until it expires under
 *       {@code …:client-assertion:<hash>}, set by a Lua script unless a live one is there, so exactly
 *       one caller on any server marks it first.
 *   <li>The rate limiter's buckets ({@code …:rate-limit:<action>:<hash>}) are replaced by a Lua
 *       compare-and-set, so a limit holds across the replicas.
 *   <li>An MCP session's owner is kept under {@code …:mcp-session:<hash of the session id>} with a TTL.
 *   <li>Every Redis failure (connection refused, timeout) is {@code temporarily_unavailable}.
 * </ul>
 *
 * Expiry is also judged on the injected clock when reading, so a value is never returned past its
 * expiry even if the TTL is coarser. Thread-safe.
 */
public final class RedisStorage implements Storage {
  private static final Logger LOG = LoggerFactory.getLogger(RedisStorage.class);
  /** An outage fails every request: a line a minute, with a count, however many requests arrive. */
  private static final ThrottledLog THROTTLED = ThrottledLog.of(LOG);

  private final UnifiedJedis redis;
  private final String prefix;
  private final Clock clock;
  private final ClientStore clients = new Clients();
  private final PendingAuthorizationStore pending = new Pending();
  private final GrantStore grants = new Grants();
  private final TokenStore tokens = new Tokens();
  private final UpstreamTokenStore upstreamTokens = new Upstream();
  private final ClientAssertionStore clientAssertions = new ClientAssertions();
  private final RateLimitStore rateLimits = new RateLimits();
  private final McpSessionStore mcpSessions = new McpSessions();
  private final LoginSessionStore loginSessions = new LoginSessions();

  private RedisStorage(Builder builder) {
    this.redis = builder.redis;
    this.prefix = builder.keyPrefix;
    this.clock = builder.clock;
  }

  /** A builder over a pooled connection to {@code uri} ({@code redis://[user:password@]host:port[/db]}). */
  public static Builder connect(URI uri) {
    return connect(uri, Duration.ofSeconds(2));
  }

  /** As {@link #connect(URI)}, with this connect and socket timeout. */
  public static Builder connect(URI uri, Duration timeout) {
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis((int) timeout.toMillis())
        .socketTimeoutMillis((int) timeout.toMillis())
        .ssl("rediss".equals(uri.getScheme()));
    if (uri.getUserInfo() != null) {
      String[] user = uri.getUserInfo().split(":", 2);
      if (user.length == 2) {
        config.user(user[0].isEmpty() ? null : user[0]).password(user[1]);
      } else {
        config.password(user[0]);
      }
    }
    if (uri.getPath() != null && uri.getPath().length() > 1) {
      config.database(Integer.parseInt(uri.getPath().substring(1)));
    }
    int port = uri.getPort() == -1 ? 6379 : uri.getPort();
    return new Builder(RedisClient.builder().hostAndPort(new HostAndPort(uri.getHost(), port)).clientConfig(config.build()).build());
  }

  /** A builder over a client the application made (its pool, TLS, Sentinel or cluster settings). */
  public static Builder using(UnifiedJedis redis) {
    return new Builder(redis);
  }

  @Override
  public ClientStore clients() {
    return clients;
  }

  @Override
  public PendingAuthorizationStore pendingAuthorizations() {
    return pending;
  }

  @Override
  public GrantStore grants() {
    return grants;
  }

  @Override
  public TokenStore tokens() {
    return tokens;
  }

  @Override
  public ClientAssertionStore clientAssertions() {
    return clientAssertions;
  }

  /** Shared by every replica on this Redis: a rate limit holds across them. */
  @Override
  public Optional<RateLimitStore> rateLimits() {
    return Optional.of(rateLimits);
  }

  @Override
  public McpSessionStore mcpSessions() {
    return mcpSessions;
  }

  @Override
  public Optional<LoginSessionStore> loginSessions() {
    return Optional.of(loginSessions);
  }

  @Override
  public UpstreamTokenStore upstreamTokens() {
    return upstreamTokens;
  }

  /** Closes the connection pool. */
  public void close() {
    redis.close();
  }

  @Override
  public String toString() {
    return "RedisStorage[prefix=" + prefix + "]";
  }

  private final class Clients implements ClientStore {
    @Override
    public void save(Client client) {
      String key = prefix + "client:" + client.clientId();
      String json = StoredJson.client(client);
      call(() -> client.expiresAt() == null ? redis.set(key, json) : redis.set(key, json, ttl(client.expiresAt())));
    }

    @Override
    public Optional<Client> find(String clientId) {
      return Optional.ofNullable(call(() -> redis.get(prefix + "client:" + clientId)))
          .map(StoredJson::client)
          .filter(c -> !c.isExpired(clock.instant()));
    }

    @Override
    public void delete(String clientId) {
      call(() -> redis.del(prefix + "client:" + clientId));
    }
  }

  private final class Pending implements PendingAuthorizationStore {
    @Override
    public void save(PendingAuthorization pending) {
      call(() -> redis.set(key(pending.handleHash()), StoredJson.pending(pending), ttl(pending.expiresAt())));
    }

    @Override
    public Optional<PendingAuthorization> find(TokenHash handleHash) {
      return live(call(() -> redis.get(key(handleHash))));
    }

    @Override
    public Optional<PendingAuthorization> consume(TokenHash handleHash) {
      return live(call(() -> redis.getDel(key(handleHash))));
    }

    private Optional<PendingAuthorization> live(String json) {
      return Optional.ofNullable(json).map(StoredJson::pending).filter(p -> clock.instant().isBefore(p.expiresAt()));
    }

    private String key(TokenHash handleHash) {
      return prefix + "pending:" + handleHash.value();
    }
  }

  private final class Grants implements GrantStore {
    @Override
    public void save(Grant grant) {
      call(() -> redis.set(prefix + "grant:" + grant.id(), StoredJson.grant(grant), ttl(grant.expiresAt())));
    }

    @Override
    public Optional<Grant> find(String grantId) {
      return Optional.ofNullable(call(() -> redis.get(prefix + "grant:" + grantId)))
          .map(StoredJson::grant)
          .filter(g -> clock.instant().isBefore(g.expiresAt()));
    }

    @Override
    public void revoke(String grantId) {
      call(() -> redis.del(prefix + "grant:" + grantId));
    }
  }

  private final class Tokens implements TokenStore {
    @Override
    public void save(StoredToken token) {
      call(() -> redis.set(key(token.hash()), StoredJson.token(token), ttl(token.expiresAt())));
    }

    @Override
    public Optional<StoredToken> find(TokenHash hash) {
      List<String> values = call(() -> redis.mget(key(hash), usedKey(hash)));
      return values.get(1) != null ? Optional.empty() : live(values.get(0));
    }

    @Override
    public Optional<Redemption> consume(TokenHash hash) {
      Optional<StoredToken> token = live(call(() -> redis.get(key(hash))));
      if (token.isEmpty()) {
        return Optional.empty();
      }
      // SET NX: of any number of callers on any number of servers, exactly one gets "OK".
      String won = call(() -> redis.set(usedKey(hash), "1", ttl(token.get().expiresAt()).nx()));
      return Optional.of(new Redemption(token.get(), "OK".equals(won)));
    }

    private Optional<StoredToken> live(String json) {
      return Optional.ofNullable(json).map(StoredJson::token).filter(t -> clock.instant().isBefore(t.expiresAt()));
    }

    private String key(TokenHash hash) {
      return prefix + "token:" + hash.value();
    }

    private String usedKey(TokenHash hash) {
      return prefix + "token-used:" + hash.value();
    }
  }

  /**
   * MCP session bindings: {@code …:mcp-session:<hash>} holding {@code <expiry millis> <length of the
   * client id, -1 for none> <client id><subject>}, with a TTL at that expiry; a later save replaces it.
   */
  private final class McpSessions implements McpSessionStore {
    @Override
    public void save(TokenHash sessionId, Owner owner, Instant expiresAt) {
      String clientId = owner.clientId() == null ? "" : owner.clientId();
      String value = expiresAt.toEpochMilli() + " " + (owner.clientId() == null ? -1 : clientId.length()) + " " + clientId
          + owner.subject();
      call(() -> redis.set(prefix + "mcp-session:" + sessionId.value(), value, ttl(expiresAt)));
    }

    @Override
    public Optional<Binding> find(TokenHash sessionId) {
      String value = call(() -> redis.get(prefix + "mcp-session:" + sessionId.value()));
      if (value == null) {
        return Optional.empty();
      }
      String[] parts = value.split(" ", 3);
      long expiresAt = Long.parseLong(parts[0]);
      int clientLength = Integer.parseInt(parts[1]);
      String clientId = clientLength < 0 ? null : parts[2].substring(0, clientLength);
      String subject = parts[2].substring(Math.max(0, clientLength));
      return clock.millis() < expiresAt
          ? Optional.of(new Binding(new Owner(subject, clientId), Instant.ofEpochMilli(expiresAt)))
          : Optional.empty();
    }
  }

  /**
   * Login sessions: {@code …:login:<hash>} holding {@code <signed-in millis> <expiry millis> <remembered
   * consents, comma-separated, or -> <subject>}, with a TTL at that expiry; and per subject the set
   * {@code …:login-subject:<subject>} of its sessions' hashes, which outlives each of them, so that all
   * of a user's sessions can be ended. Saving and ending all are Lua scripts (atomic in Redis).
   */
  private final class LoginSessions implements LoginSessionStore {
    @Override
    public void save(TokenHash sessionId, LoginSession session) {
      call(() -> redis.eval(SAVE_LOGIN, List.of(loginKey(sessionId), subjectKey(session.subject())),
          List.of(value(session), Long.toString(ttl(session)), sessionId.value())));
    }

    private String value(LoginSession session) {
      String consents = session.rememberedConsents().isEmpty() ? "-" : String.join(",", session.rememberedConsents());
      return session.signedInAt().toEpochMilli() + " " + session.expiresAt().toEpochMilli() + " " + consents + " "
          + session.subject();
    }

    private long ttl(LoginSession session) {
      return Math.max(1, Duration.between(clock.instant(), session.expiresAt()).toMillis());
    }

    @Override
    public boolean replace(TokenHash sessionId, LoginSession session) {
      // SET … XX: only over a key that is still there, so a deleted session stays deleted.
      Object replaced = call(() -> redis.eval(REPLACE_LOGIN, List.of(loginKey(sessionId), subjectKey(session.subject())),
          List.of(value(session), Long.toString(ttl(session)), sessionId.value())));
      return Long.valueOf(1).equals(replaced);
    }

    @Override
    public Optional<LoginSession> find(TokenHash sessionId) {
      String value = call(() -> redis.get(loginKey(sessionId)));
      if (value == null) {
        return Optional.empty();
      }
      String[] parts = value.split(" ", 4);
      long expiresAt = Long.parseLong(parts[1]);
      Set<String> consents = parts[2].equals("-") ? Set.of() : Set.of(parts[2].split(","));
      return clock.millis() < expiresAt
          ? Optional.of(new LoginSession(parts[3], Instant.ofEpochMilli(Long.parseLong(parts[0])),
              Instant.ofEpochMilli(expiresAt), consents))
          : Optional.empty();
    }

    @Override
    public void delete(TokenHash sessionId) {
      String value = call(() -> redis.get(loginKey(sessionId)));
      call(() -> redis.del(loginKey(sessionId)));
      if (value != null) {
        call(() -> redis.srem(subjectKey(value.split(" ", 4)[3]), sessionId.value()));
      }
    }

    @Override
    public void deleteAllOf(String subject) {
      call(() -> redis.eval(DELETE_LOGINS, List.of(subjectKey(subject)), List.of(prefix + "login:")));
    }

    private String loginKey(TokenHash sessionId) {
      return prefix + "login:" + sessionId.value();
    }

    private String subjectKey(String subject) {
      return prefix + "login-subject:" + subject;
    }
  }

  /** Saves a login session (KEYS 1, value ARGV 1, TTL ARGV 2) and adds its hash (ARGV 3) to its subject's set (KEYS 2). */
  private static final String SAVE_LOGIN = """
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      redis.call('SADD', KEYS[2], ARGV[3])
      if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
      end
      return 1
      """;

  /** Like {@link #SAVE_LOGIN}, but only over a session key that still exists; 1 if it did. */
  private static final String REPLACE_LOGIN = """
      if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'XX') then
        return 0
      end
      if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
      end
      return 1
      """;

  /** Ends every session in a subject's set (KEYS 1), session keys under ARGV 1, and the set itself. */
  private static final String DELETE_LOGINS = """
      local hashes = redis.call('SMEMBERS', KEYS[1])
      for _, hash in ipairs(hashes) do
        redis.call('DEL', ARGV[1] .. hash)
      end
      redis.call('DEL', KEYS[1])
      return #hashes
      """;

  /**
   * Sealed upstream tokens: {@code …:upstream:<grant id>} holding {@code <expiry millis> <sealed>},
   * with a TTL at that expiry. A grant's refresh lease: {@code …:upstream-lease:<grant id>} holding
   * {@code <until millis> <owner>}, taken and released by Lua scripts (atomic in Redis).
   */
  private final class Upstream implements UpstreamTokenStore {
    @Override
    public void save(String grantId, String sealed, Instant expiresAt) {
      call(() -> redis.set(prefix + "upstream:" + grantId, expiresAt.toEpochMilli() + " " + sealed, ttl(expiresAt)));
    }

    @Override
    public Optional<String> find(String grantId) {
      String value = call(() -> redis.get(prefix + "upstream:" + grantId));
      if (value == null || value.indexOf(' ') < 0) {
        return Optional.empty();
      }
      long expiresAt = Long.parseLong(value.substring(0, value.indexOf(' ')));
      return clock.millis() < expiresAt ? Optional.of(value.substring(value.indexOf(' ') + 1)) : Optional.empty();
    }

    @Override
    public void delete(String grantId) {
      call(() -> redis.del(prefix + "upstream:" + grantId));
    }

    @Override
    public boolean acquireRefreshLease(String grantId, String owner, Duration duration) {
      long now = clock.millis();
      Object won = call(() -> redis.eval(ACQUIRE_LEASE, List.of(leaseKey(grantId)),
          List.of((now + duration.toMillis()) + " " + owner, Long.toString(now), Long.toString(Math.max(1, duration.toMillis())))));
      return Long.valueOf(1).equals(won);
    }

    @Override
    public void releaseRefreshLease(String grantId, String owner) {
      call(() -> redis.eval(RELEASE_LEASE, List.of(leaseKey(grantId)), List.of(owner)));
    }

    private String leaseKey(String grantId) {
      return prefix + "upstream-lease:" + grantId;
    }
  }

  /**
   * Used client assertions: {@code …:client-assertion:<hash>} holding the assertion's expiry in
   * millis, with a TTL at that expiry, set by a Lua script unless a live one is there.
   */
  private final class ClientAssertions implements ClientAssertionStore {
    @Override
    public boolean markUsed(TokenHash assertionId, Instant expiresAt) {
      long now = clock.millis();
      Object first = call(() -> redis.eval(MARK_USED, List.of(prefix + "client-assertion:" + assertionId.value()),
          List.of(Long.toString(expiresAt.toEpochMilli()), Long.toString(now),
              Long.toString(Math.max(1, expiresAt.toEpochMilli() - now)))));
      return Long.valueOf(1).equals(first);
    }
  }

  /**
   * Rate-limit buckets: {@code …:rate-limit:<action>:<hash>} holding the bucket's state (base64), with
   * a TTL until the bucket would be full again; replaced by a Lua script only if unchanged.
   */
  private final class RateLimits implements RateLimitStore {
    @Override
    public Optional<byte[]> find(String key) {
      return Optional.ofNullable(call(() -> redis.get(prefix + "rate-limit:" + key))).map(Base64.getDecoder()::decode);
    }

    @Override
    public boolean compareAndSet(String key, Optional<byte[]> expected, byte[] state, Instant expiresAt) {
      String ttl = Long.toString(Math.max(1, Duration.between(clock.instant(), expiresAt).toMillis()));
      Object set = call(() -> redis.eval(COMPARE_AND_SET, List.of(prefix + "rate-limit:" + key),
          List.of(expected.map(Base64.getEncoder()::encodeToString).orElse(""), Base64.getEncoder().encodeToString(state),
              ttl)));
      return Long.valueOf(1).equals(set);
    }
  }

  /**
   * Sets the key to ARGV 2 with a TTL (ARGV 3) if it holds ARGV 1, or is absent when ARGV 1 is empty
   * (a state is never empty); one script, so atomic.
   */
  private static final String COMPARE_AND_SET = """
      local held = redis.call('GET', KEYS[1])
      if (held == false and ARGV[1] == '') or held == ARGV[1] then
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
      end
      return 0
      """;

  /**
   * Sets the key to the expiry millis (ARGV 1) unless it holds one after now (ARGV 2), with a TTL
   * (ARGV 3); one script, so atomic. Not {@code SET NX}: expiry is judged on the store's clock, as
   * everywhere here, and a key its TTL has not removed yet may have expired on it.
   */
  private static final String MARK_USED = """
      local held = tonumber(redis.call('GET', KEYS[1]))
      if held and held > tonumber(ARGV[2]) then
        return 0
      end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
      return 1
      """;

  /**
   * Sets the lease {@code <until millis> <owner>} (ARGV 1) unless one is held until after now (ARGV 2),
   * with a TTL (ARGV 3); one script, so atomic. Lapsed is judged on the store's clock, as every expiry
   * here; the TTL removes the key in any case.
   */
  private static final String ACQUIRE_LEASE = """
      local held = redis.call('GET', KEYS[1])
      if held then
        local held_until = tonumber(string.match(held, '^(%d+) '))
        if held_until and held_until > tonumber(ARGV[2]) then
          return 0
        end
      end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
      return 1
      """;

  /** Deletes the lease if the owner after its first space is ARGV 1. */
  private static final String RELEASE_LEASE = """
      local held = redis.call('GET', KEYS[1])
      if held then
        local space = string.find(held, ' ', 1, true)
        if space and string.sub(held, space + 1) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
      end
      return 0
      """;

  /** A TTL that ends at {@code expiresAt} on this store's clock (at least a millisecond). */
  private SetParams ttl(Instant expiresAt) {
    return SetParams.setParams().px(Math.max(1, Duration.between(clock.instant(), expiresAt).toMillis()));
  }

  private static <T> T call(Supplier<T> command) {
    try {
      return command.get();
    } catch (JedisException e) {
      String detail = "redis: " + e.getClass().getSimpleName();
      THROTTLED.warn("The mcp-auth store is unavailable: {}", detail);
      throw OAuthException.temporarilyUnavailable("The authorization server's store is unavailable", detail);
    }
  }

  /** Not thread-safe; build once. */
  public static final class Builder {
    private final UnifiedJedis redis;
    private String keyPrefix = "mcp-auth:";
    private Clock clock = Clock.systemUTC();

    private Builder(UnifiedJedis redis) {
      this.redis = Objects.requireNonNull(redis, "redis");
    }

    /** Prefixes every key, to share a Redis with other data or other deployments. Default {@code mcp-auth:}. */
    public Builder keyPrefix(String prefix) {
      this.keyPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** The clock expiry is judged by; give the authorization server's. Default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public RedisStorage build() {
      return new RedisStorage(this);
    }
  }
}
