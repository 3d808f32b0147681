package dev.mcpauth;

/**
 * The OAuth error codes this library answers with, each with the HTTP status it is sent with when it
 * is not a redirect.
 *
 * <p>Sources: RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7591 §3.2.2, RFC 7009 §2.2.1, RFC 8707
 * §2, OpenID Connect Core §3.1.2.6 and RFC 6749 as amended by OAuth 2.1.
 */
public enum ErrorCode {
  INVALID_REQUEST("invalid_request", 400),
  INVALID_CLIENT("invalid_client", 401),
  INVALID_GRANT("invalid_grant", 400),
  UNAUTHORIZED_CLIENT("unauthorized_client", 400),
  UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", 400),
  UNSUPPORTED_RESPONSE_TYPE("unsupported_response_type", 400),
  UNSUPPORTED_TOKEN_TYPE("unsupported_token_type", 400),
  INVALID_SCOPE("invalid_scope", 400),
  INVALID_TARGET("invalid_target", 400),
  ACCESS_DENIED("access_denied", 403),
  LOGIN_REQUIRED("login_required", 400),
  REQUEST_NOT_SUPPORTED("request_not_supported", 400),
  REQUEST_URI_NOT_SUPPORTED("request_uri_not_supported", 400),
  INVALID_REDIRECT_URI("invalid_redirect_uri", 400),
  INVALID_CLIENT_METADATA("invalid_client_metadata", 400),
  INVALID_TOKEN("invalid_token", 401),
  INSUFFICIENT_SCOPE("insufficient_scope", 403),
  SERVER_ERROR("server_error", 500),
  TEMPORARILY_UNAVAILABLE("temporarily_unavailable", 503);

  private final String code;
  private final int httpStatus;

  ErrorCode(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  /** The value of the {@code error} parameter, e.g. {@code invalid_grant}. */
  public String code() {
    return code;
  }

  /** The HTTP status used when this error is answered directly rather than by redirect. */
  public int httpStatus() {
    return httpStatus;
  }

  @Override
  public String toString() {
    return code;
  }
}
