package dev.mcpauth.servlet;

import dev.mcpauth.OAuthException;
import dev.mcpauth.authorization.ConsentRequest;
import java.io.IOException;

/**
 * The login and consent pages. The library calls {@link #show} for an authorization request it has
 * validated and parked, and {@link #submit} for the page's form POST; the handler authenticates the
 * user and finishes with {@link InteractionContext#complete}, which takes only the opaque handle and
 * a decision. Replace {@link ConsentPage}, the default, to use your own login (SSO, an existing
 * session). Implementations must be thread-safe.
 */
public interface InteractionHandler {
  /** Shows the page for a pending authorization. */
  void show(String handle, ConsentRequest request, InteractionContext context) throws IOException;

  /** Handles a POST to {@link InteractionContext#formAction()}. */
  void submit(InteractionContext context) throws IOException;

  /**
   * Shows an error that must not be sent to the client (an unknown client, a redirect URI that does
   * not match, a request that expired). The default is a plain page with the safe description.
   */
  default void showError(OAuthException error, InteractionContext context) throws IOException {
    Pages.error(context.response(), error.httpStatus() >= 500 ? error.httpStatus() : 400, error.description());
  }
}
