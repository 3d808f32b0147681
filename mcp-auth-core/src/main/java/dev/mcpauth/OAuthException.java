package dev.mcpauth;

import dev.mcpauth.internal.ErrorDescriptions;
import java.util.Objects;

/**
 * The one protocol error of this library: an OAuth error code, a description that is safe to send
 * to the client, and an internal detail that is only ever logged.
 *
 * <p>{@link #getMessage()} is made of the code and the safe description, never the detail, so the
 * exception can be logged or shown without leaking what the detail may contain. Neither text may
 * contain a secret: callers pass token values to neither.
 *
 * <p>Immutable and thread-safe.
 */
public final class OAuthException extends RuntimeException {
  private final ErrorCode code;
  private final String description;
  private final String internalDetail;

  public OAuthException(ErrorCode code, String description) {
    this(code, description, null);
  }

  /**
   * @param description what the client is told; characters RFC 6749 §5.2 does not allow (quotes,
   *     backslashes, controls, non-ASCII) are replaced and it is cut to 200 characters, so it may
   *     quote client input
   */
  public OAuthException(ErrorCode code, String description, String internalDetail) {
    super(code.code() + ": " + ErrorDescriptions.safe(Objects.requireNonNull(description, "description")),
        null, false, false);
    this.code = code;
    this.description = getMessage().substring(code.code().length() + 2);
    this.internalDetail = internalDetail;
  }

  public ErrorCode code() {
    return code;
  }

  /** Safe to send as {@code error_description}: only the characters RFC 6749 §5.2 allows. */
  public String description() {
    return description;
  }

  /** For logs only; never written to a response. May be {@code null}. */
  public String internalDetail() {
    return internalDetail;
  }

  public int httpStatus() {
    return code.httpStatus();
  }

  public static OAuthException invalidRequest(String description) {
    return new OAuthException(ErrorCode.INVALID_REQUEST, description);
  }

  public static OAuthException invalidClient(String description) {
    return new OAuthException(ErrorCode.INVALID_CLIENT, description);
  }

  public static OAuthException invalidGrant(String description) {
    return new OAuthException(ErrorCode.INVALID_GRANT, description);
  }

  public static OAuthException invalidScope(String description) {
    return new OAuthException(ErrorCode.INVALID_SCOPE, description);
  }

  public static OAuthException invalidTarget(String description) {
    return new OAuthException(ErrorCode.INVALID_TARGET, description);
  }

  public static OAuthException invalidClientMetadata(String description) {
    return new OAuthException(ErrorCode.INVALID_CLIENT_METADATA, description);
  }

  public static OAuthException invalidRedirectUri(String description) {
    return new OAuthException(ErrorCode.INVALID_REDIRECT_URI, description);
  }

  public static OAuthException invalidToken(String description) {
    return new OAuthException(ErrorCode.INVALID_TOKEN, description);
  }

  /**
   * The store (or another service the answer depends on) cannot be reached: 503 with {@code
   * Retry-After}, or {@code error=temporarily_unavailable} on an authorization redirect. Stores throw
   * this, with what failed in {@code internalDetail}, for every failure of their backend.
   */
  public static OAuthException temporarilyUnavailable(String description, String internalDetail) {
    return new OAuthException(ErrorCode.TEMPORARILY_UNAVAILABLE, description, internalDetail);
  }
}
