package dev.mcpauth.client;

import java.util.List;
import java.util.Set;

/**
 * A registration request that passed the protocol checks, as a {@link RegistrationPolicy} sees it.
 * Immutable.
 *
 * @param redirectUris the redirect URIs, exactly as sent
 * @param authMethod the token endpoint authentication method
 * @param clientName the name, or {@code null}
 * @param clientUri the home page, or {@code null}
 * @param applicationType {@code web} or {@code native}
 * @param softwareId the software identifier, or {@code null}
 * @param scopes the registered scope (RFC 7591 §2), which limits what the client may be granted;
 *     empty when the client registered none (it may then ask for any scope the server offers)
 */
public record ClientProposal(
    List<String> redirectUris,
    ClientAuthMethod authMethod,
    String clientName,
    String clientUri,
    String applicationType,
    String softwareId,
    Set<String> scopes) {
  public ClientProposal {
    redirectUris = List.copyOf(redirectUris);
    scopes = Set.copyOf(scopes);
  }
}
