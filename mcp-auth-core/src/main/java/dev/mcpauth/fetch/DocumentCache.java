package dev.mcpauth.fetch;

import dev.mcpauth.internal.BoundedCache;
import dev.mcpauth.upstream.SingleFlight;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * Validated documents by URL, each kept while its {@link FetchedDocument#freshFor()} lasts. Only
 * successes are kept: a failed fetch or a document its validator rejects is fetched again on the next
 * request, so a client that fixes its document is not locked out, and an attacker cannot plant a
 * failure for someone else's URL. Concurrent first requests for one URL share one fetch, so a burst
 * of requests naming the same client sends one request to its server. Holds at most
 * {@code maxEntries} URLs (then drops some, see {@link BoundedCache}).
 *
 * <p>One cache per kind of document, with one validator: the value a validator made for one caller
 * is what later callers get. Thread-safe.
 *
 * @param <T> what the validator makes of a document, e.g. parsed client metadata; never {@code null}
 */
public final class DocumentCache<T> {
  private final DocumentFetcher fetcher;
  private final Clock clock;
  /**
   * Keyed by the URL exactly as given, never by {@link URI#equals}, which ignores the case of scheme,
   * host and escapes: a client id must match its document character for character, so {@code
   * https://CLAUDE.ai/x} must not be served the document fetched for {@code https://claude.ai/x}.
   */
  private final BoundedCache<String, Entry<T>> entries;
  private final SingleFlight<String, FetchedDocument> fetches = new SingleFlight<>();

  private record Entry<T>(T value, Instant freshUntil) {}

  /** A fetch failure carried through {@link SingleFlight}, which passes on unchecked exceptions only. */
  private static final class Failed extends RuntimeException {
    private final FetchException failure;

    Failed(FetchException failure) {
      super(null, null, false, false);
      this.failure = failure;
    }
  }

  public DocumentCache(DocumentFetcher fetcher, int maxEntries, Clock clock) {
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.entries = new BoundedCache<>(maxEntries);
  }

  /** At most 1000 URLs, on the system clock. */
  public DocumentCache(DocumentFetcher fetcher) {
    this(fetcher, 1000, Clock.systemUTC());
  }

  /**
   * The value for {@code url}: the cached one while fresh, else {@code validate} applied to a new
   * fetch (shared with concurrent callers for the same URL; each applies its own {@code validate}).
   *
   * @param validate turns a document into a value, or throws a {@link RuntimeException} to reject it;
   *     that exception reaches the caller unchanged and nothing is cached
   * @throws FetchException if the fetch failed; nothing is cached
   */
  public T get(URI url, Function<FetchedDocument, T> validate) throws FetchException {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(validate, "validate");
    String key = url.toString();
    Entry<T> cached = entries.get(key);
    if (cached != null && clock.instant().isBefore(cached.freshUntil())) {
      return cached.value();
    }
    FetchedDocument document;
    try {
      document = fetches.run(key, () -> {
        try {
          return fetcher.fetch(url);
        } catch (FetchException e) {
          throw new Failed(e);
        }
      });
    } catch (Failed e) {
      throw e.failure;
    }
    T value = Objects.requireNonNull(validate.apply(document), "validate returned null");
    entries.put(key, new Entry<>(value, clock.instant().plus(document.freshFor())));
    return value;
  }

  /** Forgets {@code url}'s value: the next {@link #get} fetches it again. */
  public void invalidate(URI url) {
    entries.remove(url.toString());
  }
}
