package dev.mcpauth.ratelimit;

import dev.mcpauth.http.EndpointResponse;
import java.time.Duration;

/**
 * The answer of an OAuth endpoint to a request over its limit: {@code 429} with {@code Retry-After}
 * (RFC 6585 §4) and the error {@code slow_down}.
 *
 * <p>Why {@code slow_down}: it is the one registered OAuth error that means "you are sending too
 * fast, wait longer" (RFC 8628 §3.5, in the OAuth Extensions Error Registry). {@code
 * temporarily_unavailable} blames the server (overload, maintenance) and is defined only for
 * authorization redirects; {@code invalid_request} tells the client its request is malformed, so it
 * would change the request instead of waiting. The 429 and its {@code Retry-After} are what HTTP
 * clients act on; the code keeps the body an RFC 6749 §5.2 error that OAuth clients can read.
 */
public final class TooManyRequests {
  private TooManyRequests() {}

  public static EndpointResponse response(Duration retryAfter) {
    long seconds = Math.max(1, retryAfter.toSeconds());
    return EndpointResponse.noStoreJson(429, "{\"error\":\"slow_down\",\"error_description\":\"Too many requests from"
        + " this address; retry after " + seconds + " seconds\"}").withHeader("Retry-After", Long.toString(seconds));
  }
}
