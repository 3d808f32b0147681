package dev.mcpauth.store.memory;

import dev.mcpauth.authorization.PendingAuthorization;
import dev.mcpauth.client.Client;
import dev.mcpauth.store.ClientAssertionStore;
import dev.mcpauth.store.ClientStore;
import dev.mcpauth.store.GrantStore;
import dev.mcpauth.store.LoginSessionStore;
import dev.mcpauth.store.LoginSessionStore.LoginSession;
import dev.mcpauth.store.McpSessionStore;
import dev.mcpauth.store.PendingAuthorizationStore;
import dev.mcpauth.store.Redemption;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.store.TokenStore;
import dev.mcpauth.store.UpstreamTokenStore;
import dev.mcpauth.token.Grant;
import dev.mcpauth.token.StoredToken;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Storage} in this process's memory: thread-safe, expiring entries as it goes, and lost on
 * restart. Fine for one process; several replicas need a shared store. The first instance logs one
 * warning saying so.
 */
public final class InMemoryStorage implements Storage {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryStorage.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final Clients clients;
  private final Pending pending;
  private final Grants grants;
  private final Tokens tokens;
  private final Upstream upstream;
  private final Assertions assertions;
  private final LoginSessions loginSessions;
  private final InMemoryMcpSessionStore mcpSessions;

  public InMemoryStorage(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn(
          "mcp-auth keeps clients, grants and tokens in memory: they are lost on restart and not"
              + " shared between processes. Configure a shared store for production.");
    }
    clients = new Clients(new ExpiringMap<>(clock));
    pending = new Pending(new ExpiringMap<>(clock));
    grants = new Grants(new ExpiringMap<>(clock));
    tokens = new Tokens(new ExpiringMap<>(clock));
    upstream = new Upstream(new ExpiringMap<>(clock), new ExpiringMap<>(clock), clock);
    assertions = new Assertions(new ExpiringMap<>(clock));
    loginSessions = new LoginSessions(new ExpiringMap<>(clock));
    mcpSessions = new InMemoryMcpSessionStore(clock);
  }

  /**
   * How many entries are held, lapsed ones not yet purged included: for monitoring memory, since
   * lapsed entries leave a few at a time as new ones are written.
   */
  public int entryCount() {
    return clients.map().size() + pending.map().size() + grants.map().size() + tokens.map().size()
        + upstream.map().size() + upstream.leases().size() + assertions.map().size() + mcpSessions.size();
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
  public UpstreamTokenStore upstreamTokens() {
    return upstream;
  }

  @Override
  public ClientAssertionStore clientAssertions() {
    return assertions;
  }

  @Override
  public McpSessionStore mcpSessions() {
    return mcpSessions;
  }

  @Override
  public Optional<LoginSessionStore> loginSessions() {
    return Optional.of(loginSessions);
  }

  private record LoginSessions(ExpiringMap<TokenHash, LoginSession> map) implements LoginSessionStore {
    @Override
    public void save(TokenHash sessionId, LoginSession session) {
      map.put(sessionId, session, session.expiresAt());
    }

    @Override
    public boolean replace(TokenHash sessionId, LoginSession session) {
      return map.replaceIfLive(sessionId, session, session.expiresAt());
    }

    @Override
    public Optional<LoginSession> find(TokenHash sessionId) {
      return map.get(sessionId);
    }

    @Override
    public void delete(TokenHash sessionId) {
      map.remove(sessionId);
    }

    @Override
    public void deleteAllOf(String subject) {
      map.removeValues(session -> session.subject().equals(subject));
    }
  }

  private record Assertions(ExpiringMap<TokenHash, Boolean> map) implements ClientAssertionStore {
    @Override
    public boolean markUsed(TokenHash assertionId, java.time.Instant expiresAt) {
      return map.putIfAbsent(assertionId, Boolean.TRUE, expiresAt);
    }
  }

  /** Sealed tokens by grant id, and each grant's refresh lease: its owner, until it lapses. */
  private record Upstream(ExpiringMap<String, String> map, ExpiringMap<String, String> leases, Clock clock)
      implements UpstreamTokenStore {
    @Override
    public void save(String grantId, String sealed, java.time.Instant expiresAt) {
      map.put(grantId, sealed, expiresAt);
    }

    @Override
    public Optional<String> find(String grantId) {
      return map.get(grantId);
    }

    @Override
    public void delete(String grantId) {
      map.remove(grantId);
    }

    @Override
    public boolean acquireRefreshLease(String grantId, String owner, java.time.Duration duration) {
      return leases.putIfAbsent(grantId, owner, clock.instant().plus(duration));
    }

    @Override
    public void releaseRefreshLease(String grantId, String owner) {
      leases.remove(grantId, owner);
    }
  }

  private record Clients(ExpiringMap<String, Client> map) implements ClientStore {
    @Override
    public void save(Client client) {
      map.put(client.clientId(), client, client.expiresAt());
    }

    @Override
    public Optional<Client> find(String clientId) {
      return map.get(clientId);
    }

    @Override
    public void delete(String clientId) {
      map.remove(clientId);
    }
  }

  private record Pending(ExpiringMap<TokenHash, PendingAuthorization> map)
      implements PendingAuthorizationStore {
    @Override
    public void save(PendingAuthorization pending) {
      map.put(pending.handleHash(), pending, pending.expiresAt());
    }

    @Override
    public Optional<PendingAuthorization> find(TokenHash handleHash) {
      return map.get(handleHash);
    }

    @Override
    public Optional<PendingAuthorization> consume(TokenHash handleHash) {
      return map.remove(handleHash);
    }
  }

  private record Grants(ExpiringMap<String, Grant> map) implements GrantStore {
    @Override
    public void save(Grant grant) {
      map.put(grant.id(), grant, grant.expiresAt());
    }

    @Override
    public Optional<Grant> find(String grantId) {
      return map.get(grantId);
    }

    @Override
    public void revoke(String grantId) {
      map.remove(grantId);
    }
  }

  /** A stored token and whether it has been consumed. */
  private record TokenState(StoredToken token, boolean consumed) {}

  private record Tokens(ExpiringMap<TokenHash, TokenState> map) implements TokenStore {
    @Override
    public void save(StoredToken token) {
      map.put(token.hash(), new TokenState(token, false), token.expiresAt());
    }

    @Override
    public Optional<StoredToken> find(TokenHash hash) {
      return map.get(hash).filter(state -> !state.consumed()).map(TokenState::token);
    }

    @Override
    public Optional<Redemption> consume(TokenHash hash) {
      return map.update(
          hash,
          (state, expiresAt) ->
              new ExpiringMap.Update<>(
                  new TokenState(state.token(), true),
                  new Redemption(state.token(), !state.consumed())));
    }
  }
}
