package dev.mcpauth.internal;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.Arrays;
import java.util.Set;

/** Turns a form POST into the Nimbus request its parsers take, after our own stricter checks. */
public final class FormRequests {
  private FormRequests() {}

  /** What an endpoint does with a form that passed the checks. */
  @FunctionalInterface
  public interface FormHandler {
    EndpointResponse handle(Form form);
  }

  /**
   * The shape every form endpoint shares (token, revocation, introspection): POST with a form body
   * of sane size, parsed and checked, then handled; any protocol error becomes its RFC 6749 §5.2
   * answer, with a Basic challenge when client credentials failed.
   */
  public static EndpointResponse handle(
      EndpointRequest request, URI endpoint, Set<String> repeatable, String realm, FormHandler handler) {
    EndpointResponse refusal = Responses.refuseUnlessPost(request, "application/x-www-form-urlencoded");
    if (refusal != null) {
      return refusal;
    }
    try {
      return handler.handle(parse(request, endpoint, repeatable));
    } catch (OAuthException e) {
      return Responses.clientError(e, request, realm);
    }
  }

  /** A form that passed our checks, and the same request as Nimbus parsers take it. */
  public record Form(Params params, HTTPRequest nimbus) {}

  /** Parses a Nimbus request; every way it can fail becomes an {@link OAuthException}. */
  @FunctionalInterface
  public interface NimbusParser<T> {
    T parse(HTTPRequest request) throws ParseException;
  }

  /**
   * Checks the form (no repeated parameters but the named ones, well-formed resource indicators) and
   * builds the Nimbus request.
   *
   * @throws OAuthException {@code invalid_request} or {@code invalid_target} for a malformed form
   */
  public static Form parse(EndpointRequest request, URI endpoint, Set<String> repeatable) {
    Params params = Params.parse(request.body()).requireNoDuplicates(repeatable);
    requireOneClientAuthentication(request, params);
    Resources.checkWellFormed(params.all("resource"));
    try {
      HTTPRequest http = new HTTPRequest(HTTPRequest.Method.POST, endpoint.toURL());
      http.setContentType(request.header("Content-Type").orElse("application/x-www-form-urlencoded"));
      http.setBody(request.body() == null ? "" : request.body());
      request.header("Authorization").ifPresent(http::setAuthorization);
      return new Form(params, http);
    } catch (MalformedURLException | ParseException e) {
      throw OAuthException.invalidRequest("Malformed request");
    }
  }

  /**
   * RFC 6749 §2.3: a client must not use more than one authentication method in a request. Nimbus
   * would take one and ignore the others (a Basic header with an assertion signed by any key passed),
   * and a {@code client_id} beside a Basic header must name the same client.
   */
  private static void requireOneClientAuthentication(EndpointRequest request, Params params) {
    String authorization = request.header("Authorization").orElse(null);
    boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    boolean post = params.has("client_secret");
    boolean assertion = params.has("client_assertion") || params.has("client_assertion_type");
    if ((basic ? 1 : 0) + (post ? 1 : 0) + (assertion ? 1 : 0) > 1) {
      throw OAuthException.invalidRequest("The client used more than one authentication method (RFC 6749, section 2.3)");
    }
    if (basic && params.has("client_id")) {
      try {
        String authenticated = ClientSecretBasic.parse(authorization).getClientID().getValue();
        if (!params.first("client_id").orElse("").equals(authenticated)) {
          throw OAuthException.invalidRequest("client_id names another client than the one authenticated");
        }
      } catch (ParseException e) {
        // A malformed header is refused when the request is parsed for real.
      }
    }
  }

  /**
   * Runs a Nimbus parser, mapping its failure to our error. Nimbus reports bad input by {@link
   * ParseException}, but a few malformed values surface as runtime exceptions; both are the
   * client's fault, never a server error.
   */
  public static <T> T parseWith(NimbusParser<T> parser, Form form) {
    try {
      return parser.parse(form.nimbus());
    } catch (ParseException e) {
      if (form.params().has("client_assertion") && !readableClientAuthentication(form)) {
        // RFC 6749 §5.2: failed client authentication is invalid_client, also for an unsigned or garbled assertion.
        throw OAuthException.invalidClient("The client assertion is not a signed JWT this server can read");
      }
      throw toOAuthException(e);
    } catch (RuntimeException e) {
      throw new OAuthException(ErrorCode.INVALID_REQUEST, "Malformed request", e.getClass().getName());
    }
  }

  private static boolean readableClientAuthentication(Form form) {
    try {
      ClientAuthentication.parse(form.nimbus());
      return true;
    } catch (ParseException | RuntimeException e) {
      return false;
    }
  }

  /** Maps a Nimbus parse failure to our error, keeping Nimbus's error code where it is ours too. */
  public static OAuthException toOAuthException(ParseException e) {
    ErrorObject error = e.getErrorObject() != null ? e.getErrorObject() : OAuth2Error.INVALID_REQUEST;
    ErrorCode code = Arrays.stream(ErrorCode.values())
        .filter(candidate -> candidate.code().equals(error.getCode()))
        .findFirst()
        .orElse(ErrorCode.INVALID_REQUEST);
    return new OAuthException(code, e.getMessage() == null ? "Malformed request" : e.getMessage());
  }
}
