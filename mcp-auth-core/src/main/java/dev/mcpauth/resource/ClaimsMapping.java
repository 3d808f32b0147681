package dev.mcpauth.resource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads who a token acts for, which client holds it and what it may do from an external issuer's
 * claims: a verified JWT's claim set, or an RFC 7662 introspection response. Issuers disagree on the
 * claim names, so a resource server picks the mapping of its issuer; it runs only after signature,
 * issuer, audience and expiry have been checked.
 *
 * <p>Implementations are pure functions and thread-safe. A mapping that cannot find a subject
 * returns an {@link Identity} whose subject is {@code null}, and the token is refused.
 */
@FunctionalInterface
public interface ClaimsMapping {
  /**
   * RFC 9068 and RFC 7662 names: {@code sub}; {@code client_id}, else {@code azp} (OpenID Connect,
   * Keycloak, Auth0); {@code scope} as a space-separated string, else {@code scp} as a string or an
   * array. Nothing else becomes a scope.
   */
  ClaimsMapping STANDARD = claims -> new Identity(
      string(claims, "sub"),
      firstString(claims, "client_id", "azp"),
      claims.containsKey("scope") ? words(claims.get("scope")) : words(claims.get("scp")));

  /** Keycloak: as {@link #STANDARD}; the client is {@code azp}. Realm and client roles are not scopes. */
  ClaimsMapping KEYCLOAK = STANDARD;

  /** Auth0: {@link #STANDARD}, plus the RBAC {@code permissions} array as scopes. */
  ClaimsMapping AUTH0 = claims -> STANDARD.map(claims).withMoreScopes(words(claims.get("permissions")));

  /**
   * Microsoft Entra ID (v2.0 tokens): delegated scopes in {@code scp}, application permissions in
   * {@code roles}; the client is {@code azp} (v2.0) or {@code appid} (v1.0); {@code sub} is pairwise
   * per application, so use {@code oid} from {@link dev.mcpauth.token.VerifiedToken#claims()} to
   * recognise a user across applications.
   */
  ClaimsMapping ENTRA = claims -> {
    Set<String> scopes = new LinkedHashSet<>(words(claims.get("scp")));
    scopes.addAll(words(claims.get("roles")));
    return new Identity(string(claims, "sub"), firstString(claims, "azp", "appid"), scopes);
  };

  /** Okta: scopes in the {@code scp} array, the client in {@code cid}. */
  ClaimsMapping OKTA = claims -> new Identity(
      string(claims, "sub"), firstString(claims, "cid", "client_id"), words(claims.get("scp")));

  /** @param claims the token's claims as JSON values; never {@code null} */
  Identity map(Map<String, Object> claims);

  /**
   * What a token says about its holder. Immutable.
   *
   * @param subject the user (or, for machine clients, the client) the token acts for; {@code null}
   *     if the claims name none, which refuses the token
   * @param clientId the OAuth client holding the token, or {@code null} if the issuer does not say
   * @param scopes what the token may do; copied
   */
  record Identity(String subject, String clientId, Set<String> scopes) {
    public Identity {
      scopes = Set.copyOf(scopes);
    }

    /** The same identity with {@code more} scopes. */
    public Identity withMoreScopes(Collection<String> more) {
      Set<String> all = new LinkedHashSet<>(scopes);
      all.addAll(more);
      return new Identity(subject, clientId, all);
    }
  }

  private static String string(Map<String, Object> claims, String name) {
    return claims.get(name) instanceof String value && !value.isEmpty() ? value : null;
  }

  private static String firstString(Map<String, Object> claims, String... names) {
    for (String name : names) {
      String value = string(claims, name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** A space-separated string or an array of strings, as a set; anything else is no scopes. */
  private static Set<String> words(Object value) {
    List<String> words = new ArrayList<>();
    if (value instanceof String text) {
      for (String word : text.trim().split("\\s+")) {
        if (!word.isEmpty()) {
          words.add(word);
        }
      }
    } else if (value instanceof Collection<?> items) {
      for (Object item : items) {
        if (item instanceof String word && !word.isEmpty()) {
          words.add(word);
        }
      }
    }
    return new LinkedHashSet<>(words);
  }
}
