package dev.mcpauth.fuzz;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.mcpauth.client.Client;
import dev.mcpauth.client.ClientAuthMethod;
import dev.mcpauth.fetch.DocumentFetcher;
import dev.mcpauth.token.SigningKey;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One authorization server for a fuzz run, with a client of every kind the fuzzers aim at: a public
 * client, a confidential one with a secret, a machine client with {@code private_key_jwt}, and a
 * pinned client metadata document. Client id URLs on other hosts are refused, and the one allowed
 * host resolves to loopback, which the fetcher refuses before connecting: no input makes it fetch.
 */
final class FuzzServer {
  static final String REDIRECT = "https://app.example.com/cb";
  static final String LOOPBACK_REDIRECT = "http://127.0.0.1/callback";
  static final String SECRET = "fuzz-secret-0123456789";
  static final String DOCUMENT_CLIENT = "https://apps.example.com/client.json";
  static final String PUBLIC_CLIENT = "public-app";
  static final String SECRET_CLIENT = "secret-app";
  static final String SIGNING_CLIENT = "signing-bot";
  static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  /** Inputs served by one server: it keeps what they leave (clients, grants, events) in memory. */
  private static final int INPUTS_PER_SERVER = 20_000;
  private static FuzzServer current;
  private static int inputs;

  final TestServer test;
  /** The server's own signing key, so that fuzzers can sign claims of their choosing. */
  final ECKey serverKey;
  /** The key of {@link #SIGNING_CLIENT}. */
  final ECKey clientKey;

  FuzzServer() {
    serverKey = ecKey("server-key");
    clientKey = ecKey("client-key");
    DocumentFetcher fetcher = DocumentFetcher.builder()
        .hostResolver(host -> List.of(InetAddress.getLoopbackAddress()))
        .build();
    test = TestServer.create(builder -> builder
        .signingKey(SigningKey.fromJwk(serverKey.toJSONString()))
        .documentFetcher(fetcher)
        .clientIdMetadataDocumentHosts("apps.example.com")
        .pinnedClientMetadataDocument(DOCUMENT_CLIENT, """
            {"client_id":"%s","client_name":"Fuzz App","redirect_uris":["%s","%s"],
             "token_endpoint_auth_method":"none"}""".formatted(DOCUMENT_CLIENT, REDIRECT, LOOPBACK_REDIRECT))
        .client(Client.builder(PUBLIC_CLIENT).redirectUris(List.of(REDIRECT, LOOPBACK_REDIRECT)).build())
        .client(Client.builder(SECRET_CLIENT).secret(SECRET).authMethod(ClientAuthMethod.CLIENT_SECRET_BASIC)
            .redirectUris(List.of(REDIRECT)).build())
        .client(Client.builder(SIGNING_CLIENT).authMethod(ClientAuthMethod.PRIVATE_KEY_JWT)
            .jwks("{\"keys\":[" + clientKey.toPublicJWK().toJSONString() + "]}")
            .grantTypes(Set.of(Client.CLIENT_CREDENTIALS, Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN))
            .redirectUris(List.of(REDIRECT)).build()));
  }

  /**
   * The server for the next input: the same one for {@value #INPUTS_PER_SERVER} inputs, then a new
   * one, so that a long run does not fill the heap (fuzzing runs one input at a time).
   */
  static FuzzServer forNextInput() {
    if (current == null || ++inputs % INPUTS_PER_SERVER == 0) {
      current = new FuzzServer();
    }
    return current;
  }

  /** A fresh authorization code for the public client, with the verifier that redeems it. */
  Map.Entry<String, Pkce> code() {
    Pkce pkce = Pkce.generate();
    return Map.entry(test.code(TestClient.publicClient(PUBLIC_CLIENT, REDIRECT), pkce), pkce);
  }

  /** A JWS with the given header and payload (any bytes), signed by {@code key} with ES256. */
  static String sign(ECKey key, String header, String payload) {
    try {
      Base64URL h = Base64URL.encode(header.getBytes(StandardCharsets.UTF_8));
      Base64URL p = Base64URL.encode(payload.getBytes(StandardCharsets.UTF_8));
      byte[] signingInput = (h + "." + p).getBytes(StandardCharsets.US_ASCII);
      Base64URL signature = new ECDSASigner(key).sign(new JWSHeader(JWSAlgorithm.ES256), signingInput);
      return h + "." + p + "." + signature;
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }


  private static ECKey ecKey(String keyId) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
