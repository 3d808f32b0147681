package dev.mcpauth.authorization;

import dev.mcpauth.OAuthException;
import dev.mcpauth.http.EndpointResponse;
import java.net.URI;
import java.util.Objects;

/** What the web layer does next with an authorization request. */
public sealed interface AuthorizationStep {

  /** Send the browser to the client: with a code, or with an error (RFC 6749 §4.1.2). */
  record Redirect(URI location) implements AuthorizationStep {
    public Redirect {
      Objects.requireNonNull(location, "location");
    }

    public EndpointResponse toResponse() {
      return EndpointResponse.redirect(location);
    }

    @Override
    public String toString() {
      return "Redirect[to " + location.getScheme() + "://" + location.getAuthority() + "]";
    }
  }

  /**
   * Show the error to the user and do not redirect: the client or the redirect URI could not be
   * trusted (RFC 6749 §4.1.2.1), or the request has already been completed or has lapsed.
   */
  record ErrorPage(OAuthException error) implements AuthorizationStep {
    public ErrorPage {
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * Let the user log in and consent. The {@code handle} identifies the pending authorization to
   * {@link AuthorizationEndpoint#pending} and {@link AuthorizationEndpoint#complete}; treat it as a
   * secret of the user's browser session.
   */
  record Interaction(String handle, ConsentRequest request) implements AuthorizationStep {
    public Interaction {
      Objects.requireNonNull(handle, "handle");
      Objects.requireNonNull(request, "request");
    }

    @Override
    public String toString() {
      return "Interaction[client=" + request.clientId() + "]";
    }
  }
}
