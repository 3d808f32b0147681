package dev.mcpauth.fetch;
// TEMPORARY STUB
import java.net.URI;
import java.util.function.Function;
public final class DocumentCache<T> {
  private final DocumentFetcher fetcher;
  public DocumentCache(DocumentFetcher fetcher, java.time.Clock clock, int max) { this.fetcher = fetcher; }
  public T get(URI url, Function<FetchedDocument, T> validate) throws FetchException { return validate.apply(fetcher.fetch(url)); }
}
