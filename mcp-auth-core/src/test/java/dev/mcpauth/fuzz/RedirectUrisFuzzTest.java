package dev.mcpauth.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcpauth.ErrorCode;
import dev.mcpauth.OAuthException;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.RedirectUris;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * {@link RedirectUris}: registering refuses only with {@code invalid_redirect_uri}, and a requested
 * URI that matches a registered one is that one, or the same loopback http URI on another port, and
 * could itself have been registered.
 */
class RedirectUrisFuzzTest {

  @FuzzTest(maxDuration = "4s")
  void registerThenMatch(FuzzedDataProvider data) {
    String registered = data.consumeString(300);
    String requested;
    if (data.consumeBoolean()) {
      // A variation of the registered URI: something put in at some place.
      int at = data.consumeInt(0, registered.length());
      String inserted = data.consumeString(40);
      int cut = data.consumeInt(0, registered.length() - at);
      requested = registered.substring(0, at) + inserted + registered.substring(at + cut);
    } else {
      requested = data.consumeRemainingAsString();
    }
    if (!registrable(registered)) {
      return;
    }
    Client client = Client.builder("fuzz-client").redirectUris(List.of(registered)).build();
    Optional<String> matched = RedirectUris.match(client, requested);
    if (matched.isEmpty()) {
      return;
    }
    if (!matched.get().equals(registered)) {
      throw new AssertionError("matched " + matched.get() + ", which is not registered");
    }
    if (!requested.equals(registered)) {
      URI a = URI.create(registered);
      URI b = URI.create(requested);
      if (!"http".equals(b.getScheme()) || !RedirectUris.isLoopback(requested) || !a.getHost().equals(b.getHost())
          || b.getRawFragment() != null || b.getRawUserInfo() != null) {
        throw new AssertionError(requested + " matched " + registered + " without being it or its loopback form");
      }
    }
    if (!registrable(requested)) {
      throw new AssertionError(requested + " matched " + registered + " but could not be registered");
    }
  }

  private static boolean registrable(String uri) {
    try {
      RedirectUris.checkRegistrable(uri);
      return true;
    } catch (OAuthException e) {
      if (e.code() != ErrorCode.INVALID_REDIRECT_URI) {
        throw new AssertionError("refused with " + e.code(), e);
      }
      return false;
    }
  }
}
