package dev.mcpauth.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.store.Redemption;
import dev.mcpauth.store.Storage;
import dev.mcpauth.store.StorageContract;
import dev.mcpauth.store.TokenHash;
import dev.mcpauth.testing.MutableClock;
import dev.mcpauth.testing.TcpProxy;
import dev.mcpauth.token.StoredToken;
import dev.mcpauth.token.TokenKind;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The storage contract on a real Redis server, with two store instances (two connection pools) as
 * two servers. Needs {@code MCP_AUTH_TEST_REDIS_URL} (e.g. {@code redis://127.0.0.1:6379}), which
 * {@code .ci/run} sets after starting Redis; without it these tests are skipped. Each test uses its
 * own key prefix.
 */
class RedisStorageTest extends StorageContract {
  static final String URL_VARIABLE = "MCP_AUTH_TEST_REDIS_URL";

  private final String prefix = "mcp-auth-test:" + UUID.randomUUID() + ":";
  private RedisStorage first;
  private RedisStorage second;

  @Override
  protected Storage createStorage(MutableClock clock) {
    Assumptions.assumeTrue(System.getenv(URL_VARIABLE) != null,
        URL_VARIABLE + " is not set: start Redis and set it (e.g. redis://127.0.0.1:6379), as .ci/run does");
    URI uri = URI.create(System.getenv(URL_VARIABLE));
    first = RedisStorage.connect(uri).keyPrefix(prefix).clock(clock).build();
    second = RedisStorage.connect(uri).keyPrefix(prefix).clock(clock).build();
    return first;
  }

  @Override
  protected Storage secondInstance() {
    return second;
  }

  @AfterEach
  void close() {
    if (first != null) {
      first.close();
      second.close();
    }
  }

  @Test
  void savedValuesWhenStoredThenCarryANativeTtlAtTheirExpiry() {
    StoredToken token = token(Duration.ofMinutes(10));
    storage.tokens().save(token);
    try (RedisClient redis = RedisClient.create(URI.create(System.getenv(URL_VARIABLE)))) {
      long ttl = redis.pttl(prefix + "token:" + token.hash().value());
      assertThat(ttl).isBetween(Duration.ofMinutes(9).toMillis(), Duration.ofMinutes(10).toMillis());
      // Only the hash is in Redis; the document holds no other secret.
      assertThat(redis.get(prefix + "token:" + token.hash().value())).contains(token.hash().value());
    }
  }

  @Test
  void usedClientAssertionsWhenMarkedThenOneKeyWithANativeTtlAtTheirExpiry() {
    TokenHash assertionId = TokenHash.of("assertion-" + UUID.randomUUID());
    storage.clientAssertions().markUsed(assertionId, clock.instant().plus(Duration.ofMinutes(5)));
    try (RedisClient redis = RedisClient.create(URI.create(System.getenv(URL_VARIABLE)))) {
      long ttl = redis.pttl(prefix + "client-assertion:" + assertionId.value());
      assertThat(ttl).isBetween(Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(5).toMillis());
    }
  }

  @Test
  void redisWhenUnreachableThenTemporarilyUnavailableAndBackWithNothingLost() throws Exception {
    URI target = URI.create(System.getenv(URL_VARIABLE));
    try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort() == -1 ? 6379 : target.getPort())) {
      RedisStorage viaProxy = RedisStorage.connect(URI.create("redis://127.0.0.1:" + proxy.port()), Duration.ofSeconds(1))
          .keyPrefix(prefix).clock(clock).build();
      StoredToken token = token(Duration.ofDays(1));
      viaProxy.tokens().save(token);

      proxy.cut();
      Throwable thrown = catchThrowable(() -> viaProxy.tokens().consume(token.hash()));
      assertThat(thrown).isInstanceOf(OAuthException.class);
      assertThat(((OAuthException) thrown).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);

      proxy.restore();
      assertThat(viaProxy.tokens().consume(token.hash())).contains(new Redemption(token, true));
      viaProxy.close();
    }
  }

  private StoredToken token(Duration lifetime) {
    return new StoredToken(TokenHash.of("t-" + UUID.randomUUID()), TokenKind.REFRESH_TOKEN, "grant", "client",
        clock.instant(), clock.instant().plus(lifetime));
  }
}
