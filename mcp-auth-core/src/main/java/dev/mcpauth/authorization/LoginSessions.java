package dev.mcpauth.authorization;

import dev.mcpauth.store.LoginSessionStore;
import dev.mcpauth.store.LoginSessionStore.LoginSession;
import dev.mcpauth.store.TokenHash;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps a browser signed in after a password login, so that the next authorization in that browser
 * needs no password, and remembers the consents the user asked it to remember. A session ends at the
 * first of: its idle timeout after the last use (renewed in the store at most once a minute), its
 * absolute lifetime after the password was checked, sign-out, and the revocation of any of
 * the user's grants. Framework-neutral: an adapter carries the
 * session id in an {@code HttpOnly} cookie. Thread-safe.
 */
public final class LoginSessions {
  /** At most this many consents are remembered per session; the oldest make way (the set is unordered, so any). */
  static final int MAX_REMEMBERED = 32;

  /** A use renews the idle timeout in the store only when that moves it by more than this. */
  static final Duration RENEWAL_STEP = Duration.ofMinutes(1);

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final LoginSessionStore store;
  private final Duration idleTimeout;
  private final Duration absoluteLifetime;
  private final Clock clock;
  private final SecureRandom random;

  /** A session as the page sees it: its id's hash, who, and what it remembers. */
  public record Session(TokenHash id, LoginSession stored) {
    public String subject() {
      return stored.subject();
    }
  }

  /** A new session: the id to put in the cookie (a secret), how long the cookie may live, and the session. */
  public record Started(String id, Duration maxAge, Session session) {
    @Override
    public String toString() {
      return "Started[maxAge=" + maxAge + "]"; // never the id
    }
  }

  public LoginSessions(LoginSessionStore store, Duration idleTimeout, Duration absoluteLifetime, Clock clock,
      SecureRandom random) {
    this.store = Objects.requireNonNull(store, "store");
    this.idleTimeout = positive(idleTimeout, "idleTimeout");
    this.absoluteLifetime = positive(absoluteLifetime, "absoluteLifetime");
    if (idleTimeout.compareTo(absoluteLifetime) > 0) {
      throw new IllegalArgumentException("the idle timeout must not exceed the absolute lifetime");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration absoluteLifetime() {
    return absoluteLifetime;
  }

  /** Signs {@code subject} in: a new session with a new random id (never one the browser brought). */
  public Started start(String subject) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String id = BASE64URL.encodeToString(bytes);
    Instant now = clock.instant();
    TokenHash hash = TokenHash.of(id);
    LoginSession session = new LoginSession(subject, now, expiry(now, now), Set.of());
    store.save(hash, session);
    return new Started(id, absoluteLifetime, new Session(hash, session));
  }

  /** The live session of a cookie's id, its idle timeout renewed; empty for an unknown, lapsed or malformed id. */
  public Optional<Session> current(String id) {
    if (id == null || id.length() != 43) {
      return Optional.empty();
    }
    TokenHash hash = TokenHash.of(id);
    Optional<LoginSession> found = store.find(hash);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    LoginSession session = found.get();
    Instant now = clock.instant();
    if (!session.expiresAt().isAfter(now)) {
      return Optional.empty();
    }
    Instant renewed = expiry(session.signedInAt(), now);
    if (renewed.isAfter(session.expiresAt().plus(RENEWAL_STEP))) { // written at most once a minute per session
      session = new LoginSession(session.subject(), session.signedInAt(), renewed, session.rememberedConsents());
      if (!store.replace(hash, session)) {
        return Optional.empty(); // ended meanwhile (sign-out, revocation): stays ended
      }
    }
    return Optional.of(new Session(hash, session));
  }

  /**
   * Whether the user asked this session to remember consent to exactly this request's client, redirect
   * URI, resource and scopes; never when the client asked for consent or login to be shown again.
   */
  public boolean remembers(Session session, ConsentRequest request) {
    return !request.consentPrompted() && !request.loginPrompted()
        && session.stored().rememberedConsents().contains(consentKey(request));
  }

  /**
   * Whether consent to this request may be remembered at all: only for a redirect to an https origin.
   * A loopback or private-use-scheme redirect reaches whichever program on the device listens for it,
   * so a remembered consent would let any local program obtain the user's tokens without a question.
   */
  public static boolean mayRemember(ConsentRequest request) {
    if (request.loopbackRedirect() || request.appRedirect()
        || !request.redirectUri().regionMatches(true, 0, "https://", 0, 8)) {
      return false;
    }
    java.net.URI redirect = java.net.URI.create(request.redirectUri());
    // Port 443 only: a service on another port of a public name is more often a developer's machine.
    return (redirect.getPort() == -1 || redirect.getPort() == 443) && isPublicDnsName(redirect.getHost());
  }

  /**
   * Whether a host is a public DNS name, as far as its spelling tells: no IP literal in any spelling
   * ({@code 127.0.0.2}, {@code 2130706433}, {@code 0x7f000001}, {@code [::ffff:127.0.0.1]}), none of
   * {@link #NOT_PUBLIC_SUFFIXES} ({@code *.localhost}, RFC 6761 §6.3, …), with or without a trailing
   * dot. A name's last label must be letters (or an IDN {@code xn--} label), as every top-level
   * domain is.
   */
  /**
   * Names that do not lead to a public service: special-use and local-network domains (RFC 6761 §6,
   * RFC 6762 {@code local}, RFC 8375 {@code home.arpa}, ICANN's {@code internal}, common private
   * suffixes), and public wildcard names that resolve to loopback. No list can be complete (any
   * domain may resolve to 127.0.0.1); these are the spellings in use.
   */
  private static final java.util.List<String> NOT_PUBLIC_SUFFIXES = java.util.List.of("localhost", "local", "localdomain",
      "internal", "home.arpa", "test", "example", "invalid", "lan", "intranet", "corp", "home",
      "nip.io", "sslip.io", "localtest.me", "lvh.me", "localhost.direct", "traefik.me", "vcap.me");

  static boolean isPublicDnsName(String host) {
    if (host == null || host.isEmpty() || host.startsWith("[")) {
      return false;
    }
    String lower = host.toLowerCase(java.util.Locale.ROOT);
    String name = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    if (!name.contains(".") || NOT_PUBLIC_SUFFIXES.stream().anyMatch(suffix -> name.equals(suffix) || name.endsWith("." + suffix))) {
      return false;
    }
    String last = name.substring(name.lastIndexOf('.') + 1);
    return last.matches("[a-z]{2,63}") || last.matches("xn--[a-z0-9-]{1,59}");
  }

  /**
   * Remembers consent to exactly this request's client, redirect URI, resource and scopes for as long
   * as the session lives; ignored where {@link #mayRemember} says no.
   */
  public void remember(Session session, ConsentRequest request) {
    if (!mayRemember(request)) {
      return;
    }
    Set<String> remembered = new HashSet<>(session.stored().rememberedConsents());
    if (remembered.size() >= MAX_REMEMBERED) {
      remembered.remove(remembered.iterator().next());
    }
    remembered.add(consentKey(request));
    LoginSession stored = session.stored();
    store.replace(session.id(), new LoginSession(stored.subject(), stored.signedInAt(), stored.expiresAt(), remembered));
  }

  /** Signs out the browser holding {@code id}. */
  public void end(String id) {
    if (id != null && !id.isEmpty()) {
      store.delete(TokenHash.of(id));
    }
  }

  /** Signs {@code subject} out everywhere. */
  public void endAllOf(String subject) {
    store.deleteAllOf(Objects.requireNonNull(subject, "subject"));
  }

  /** Idle timeout after {@code now}, but never past the absolute lifetime. */
  private Instant expiry(Instant signedInAt, Instant now) {
    Instant idle = now.plus(idleTimeout);
    Instant absolute = signedInAt.plus(absoluteLifetime);
    return idle.isBefore(absolute) ? idle : absolute;
  }

  /**
   * One hash for client, redirect URI, resource and sorted scopes, each length-prefixed so that no two
   * different requests produce the same text.
   */
  static String consentKey(ConsentRequest request) {
    StringBuilder text = new StringBuilder();
    append(text, request.clientId());
    append(text, request.redirectUri());
    append(text, request.resource());
    for (String scope : new TreeSet<>(request.scopes())) {
      append(text, scope);
    }
    return TokenHash.of(text.toString()).value();
  }

  private static void append(StringBuilder text, String part) {
    text.append(part.getBytes(StandardCharsets.UTF_8).length).append(':').append(part);
  }

  private static Duration positive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return duration;
  }
}
