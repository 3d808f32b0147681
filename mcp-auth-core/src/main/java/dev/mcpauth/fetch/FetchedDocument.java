package dev.mcpauth.fetch;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A document as the server sent it (a 200 answer), and how long it may be used without fetching it
 * again. Immutable: the body is copied in and out.
 *
 * @param body the body's bytes, exactly as received (never content-decoded)
 * @param contentType the {@code Content-Type} header as sent, or {@code null}
 * @param freshFor how long the document stays fresh (RFC 9111 §4.2), already within the fetcher's
 *     bounds; never negative
 */
public record FetchedDocument(byte[] body, String contentType, Duration freshFor) {
  public FetchedDocument {
    body = Objects.requireNonNull(body, "body").clone();
    Objects.requireNonNull(freshFor, "freshFor");
    if (freshFor.isNegative()) {
      throw new IllegalArgumentException("freshFor must not be negative");
    }
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FetchedDocument that && Arrays.equals(body, that.body)
        && Objects.equals(contentType, that.contentType) && freshFor.equals(that.freshFor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(body), contentType, freshFor);
  }

  /** The body's length, not its content: a document may be large and is untrusted text. */
  @Override
  public String toString() {
    return "FetchedDocument[body=" + body.length + " bytes, contentType=" + contentType + ", freshFor=" + freshFor + "]";
  }
}
