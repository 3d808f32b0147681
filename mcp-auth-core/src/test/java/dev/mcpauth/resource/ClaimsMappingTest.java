package dev.mcpauth.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The claim shapes of the identity platforms MCP servers sit behind. */
class ClaimsMappingTest {
  @Test
  void standardWhenRfc9068ClaimsThenSubjectClientAndScopes() {
    ClaimsMapping.Identity identity = ClaimsMapping.STANDARD.map(Map.of(
        "sub", "alice", "client_id", "claude", "scope", "mcp:read  mcp:write", "roles", List.of("admin")));
    assertThat(identity).isEqualTo(new ClaimsMapping.Identity("alice", "claude", java.util.Set.of("mcp:read", "mcp:write")));
  }

  @Test
  void keycloakWhenAzpAndScopeThenClientFromAzpAndRolesAreNotScopes() {
    ClaimsMapping.Identity identity = ClaimsMapping.KEYCLOAK.map(Map.of("sub", "f81d4fae", "azp", "mcp-client",
        "scope", "openid mcp:read", "realm_access", Map.of("roles", List.of("admin"))));
    assertThat(identity.clientId()).isEqualTo("mcp-client");
    assertThat(identity.scopes()).containsExactlyInAnyOrder("openid", "mcp:read");
  }

  @Test
  void auth0WhenPermissionsThenTheyAreScopesToo() {
    ClaimsMapping.Identity identity = ClaimsMapping.AUTH0.map(Map.of("sub", "auth0|123", "azp", "abc",
        "scope", "mcp:read", "permissions", List.of("mcp:write")));
    assertThat(identity.clientId()).isEqualTo("abc");
    assertThat(identity.scopes()).containsExactlyInAnyOrder("mcp:read", "mcp:write");
    assertThat(ClaimsMapping.STANDARD.map(Map.of("sub", "auth0|123", "permissions", List.of("mcp:write"))).scopes()).isEmpty();
  }

  @Test
  void entraWhenScpStringAndRolesThenBothAreScopesAndClientFromAzpOrAppid() {
    ClaimsMapping.Identity delegated = ClaimsMapping.ENTRA.map(Map.of("sub", "pairwise", "oid", "user-guid",
        "azp", "client-guid", "scp", "mcp.read mcp.write"));
    assertThat(delegated.clientId()).isEqualTo("client-guid");
    assertThat(delegated.scopes()).containsExactlyInAnyOrder("mcp.read", "mcp.write");
    ClaimsMapping.Identity application = ClaimsMapping.ENTRA.map(Map.of("sub", "app", "appid", "daemon-guid",
        "roles", List.of("Mcp.Tools")));
    assertThat(application.clientId()).isEqualTo("daemon-guid");
    assertThat(application.scopes()).containsExactly("Mcp.Tools");
  }

  @Test
  void oktaWhenScpArrayAndCidThenMapped() {
    ClaimsMapping.Identity identity = ClaimsMapping.OKTA.map(Map.of("sub", "alice@example.com", "cid", "0oa1",
        "scp", List.of("mcp:read", "offline_access")));
    assertThat(identity.clientId()).isEqualTo("0oa1");
    assertThat(identity.scopes()).containsExactlyInAnyOrder("mcp:read", "offline_access");
  }

  @Test
  void anyWhenClaimsHaveWrongTypesThenNothingIsInvented() {
    ClaimsMapping.Identity identity = ClaimsMapping.STANDARD.map(Map.of("sub", 42, "client_id", List.of("x"), "scope", 7));
    assertThat(identity.subject()).isNull();
    assertThat(identity.clientId()).isNull();
    assertThat(identity.scopes()).isEmpty();
  }
}
