package dev.mcpauth.fetch;
// TEMPORARY STUB, replaced by the real fetcher
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
public final class DocumentFetcher {
  private final HttpClient http = HttpClient.newHttpClient();
  public static Builder builder() { return new Builder(); }
  public FetchedDocument fetch(URI url) throws FetchException {
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) throw new FetchException(FetchException.Reason.HTTP_STATUS, "the server answered " + r.statusCode());
      return new FetchedDocument(r.body(), null, Duration.ofMinutes(5));
    } catch (java.io.IOException | InterruptedException e) {
      throw new FetchException(FetchException.Reason.CONNECT_FAILED, "connect failed");
    }
  }
  public static final class Builder {
    public Builder insecureAllowLoopback() { return this; }
    public DocumentFetcher build() { return new DocumentFetcher(); }
  }
}
