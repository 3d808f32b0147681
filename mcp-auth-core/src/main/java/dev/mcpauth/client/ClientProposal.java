package dev.mcpauth.client;

import java.util.List;

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
 */
public record ClientProposal(
    List<String> redirectUris,
    ClientAuthMethod authMethod,
    String clientName,
    String clientUri,
    String applicationType,
    String softwareId) {
  public ClientProposal {
    redirectUris = List.copyOf(redirectUris);
  }
}
