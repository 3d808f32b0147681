package dev.mcpauth.internal;

import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes protocol errors as RFC 6749 §5.2 JSON, and logs their internal detail. */
public final class Responses {
  private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
  /** Bodies above this are refused before parsing: no OAuth request comes close. */
  public static final int MAX_BODY_CHARS = 64 * 1024;

  private Responses() {}

  public static EndpointResponse error(OAuthException e) {
    if (e.internalDetail() != null) {
      LOG.info("{}: {} ({})", e.code(), e.description(), e.internalDetail());
    } else {
      LOG.debug("{}: {}", e.code(), e.description());
    }
    String json =
        new ErrorObject(e.code().code(), e.description(), e.httpStatus()).toJSONObject().toJSONString();
    EndpointResponse response = EndpointResponse.noStoreJson(e.httpStatus(), json);
    if (e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE) {
      response = response.withHeader("Retry-After", "5");
    }
    return response;
  }

  /**
   * An error for a request that may have carried client credentials in the Authorization header:
   * a 401 then names the scheme (RFC 6749 §5.2).
   */
  public static EndpointResponse clientError(OAuthException e, EndpointRequest request, String realm) {
    EndpointResponse response = error(e);
    if (e.code() == ErrorCode.INVALID_CLIENT && request.header("Authorization").isPresent()) {
      response = response.withHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\"");
    }
    return response;
  }

  /**
   * Checks method, media type and size of a request to an endpoint that takes a body.
   *
   * @return the refusal, or {@code null} if the request may be parsed
   */
  public static EndpointResponse refuseUnlessPost(EndpointRequest request, String mediaType) {
    if (!request.method().equals("POST")) {
      return error(OAuthException.invalidRequest("Use POST")).withHeader("Allow", "POST").withStatus(405);
    }
    if (!request.mediaType().map(mediaType::equals).orElse(false)) {
      return error(OAuthException.invalidRequest("The body must be " + mediaType)).withStatus(415);
    }
    if (request.body() != null && request.body().length() > MAX_BODY_CHARS) {
      return error(OAuthException.invalidRequest("The request body is too large")).withStatus(413);
    }
    return null;
  }
}
