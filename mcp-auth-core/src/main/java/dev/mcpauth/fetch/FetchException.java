package dev.mcpauth.fetch;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A document could not be fetched. {@link #safeMessage()} (also {@link #getMessage()}) may be shown
 * to the user who supplied the URL: it is written by this library and never contains an IP address,
 * server text or a stack trace, so it cannot be used to map a network. {@link #internalDetail()} and
 * the cause are for the operator's log only.
 *
 * <p>Immutable and thread-safe; one instance may be thrown to several callers that shared a fetch.
 */
public final class FetchException extends Exception {
  /** Why the fetch failed. */
  public enum Reason {
    /** Not an absolute https URL with a host, or it has user info or a fragment. */
    NOT_ALLOWED_URL,
    /** The host name has no address. */
    UNRESOLVABLE,
    /** One of the host's addresses is loopback, private, link-local or otherwise special-use. */
    SPECIAL_USE_ADDRESS,
    /** No connection could be made to the server (or to the egress proxy). */
    CONNECT_FAILED,
    /** The egress proxy refused to open a tunnel to the server. */
    PROXY_REFUSED,
    /** The TLS handshake failed: an untrusted certificate, one for another name, or no common protocol. */
    TLS_FAILED,
    /** The fetch took longer than the total timeout. */
    TIMEOUT,
    /** The server answered with a redirect, which is not followed. */
    REDIRECT,
    /** The server answered with a status other than 200. */
    HTTP_STATUS,
    /** The document is larger than the size limit. */
    TOO_LARGE,
    /** The answer was not valid HTTP, was cut short, or was content-encoded. */
    BAD_RESPONSE
  }

  private final Reason reason;
  private final int status;
  private final String internalDetail;

  private FetchException(Reason reason, String safeMessage, int status, String internalDetail, Throwable cause) {
    super(safeMessage, cause, false, false);
    this.reason = Objects.requireNonNull(reason);
    this.status = status;
    this.internalDetail = internalDetail;
  }

  static FetchException of(Reason reason, String safeMessage, String internalDetail, Throwable cause) {
    return new FetchException(reason, safeMessage, 0, internalDetail, cause);
  }

  static FetchException of(Reason reason, String safeMessage) {
    return of(reason, safeMessage, null, null);
  }

  static FetchException status(int status) {
    if (status >= 300 && status < 400) {
      return new FetchException(Reason.REDIRECT, "the server answered with a redirect (" + status
          + "), which is not followed", status, null, null);
    }
    return new FetchException(Reason.HTTP_STATUS, "the server answered " + status, status, null, null);
  }

  public Reason reason() {
    return reason;
  }

  /** Safe to show to the user who supplied the URL, e.g. "the server answered 404". */
  public String safeMessage() {
    return getMessage();
  }

  /** The HTTP status, for {@link Reason#REDIRECT} and {@link Reason#HTTP_STATUS}. */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /**
   * Whether the same fetch may succeed later: no connection, a timeout, a refused tunnel, a 5xx or
   * 429 answer. Callers answer such a failure {@code temporarily_unavailable}, so that a client
   * retries instead of dropping its tokens.
   */
  public boolean mayHelpToRetry() {
    return switch (reason) {
      case CONNECT_FAILED, TIMEOUT, PROXY_REFUSED -> true;
      case HTTP_STATUS -> status >= 500 || status == 429;
      default -> false;
    };
  }

  /** For the operator's log only: may name addresses. May be {@code null}. */
  public String internalDetail() {
    return internalDetail;
  }
}
