package dev.mcpauth.fetch;

import static dev.mcpauth.testing.OAuthAssert.assertError;
import static dev.mcpauth.testing.OAuthAssert.assertErrorPage;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpauth.authorization.AuthorizationStep;
import dev.mcpauth.client.RegistrationPolicy;
import dev.mcpauth.http.EndpointRequest;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.testing.Pkce;
import dev.mcpauth.testing.TestClient;
import dev.mcpauth.testing.TestServer;
import dev.mcpauth.testing.TestTls;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client ID Metadata Documents fetched for real: the authorization server fetches the document of a
 * client id from a local HTTPS server (test CA, a made-up host name resolved by a scripted resolver).
 * Each bad answer is its own precise error and is never cached; special-use addresses are refused
 * before any connection; a changed document or key set takes effect at the next fetch.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClientMetadataFetchTest {
  private static final String HOST = "cimd.test";
  private static final String REDIRECT = "https://app.cimd.test/callback";
  private static final TestTls TLS = TestTls.create(HOST, "keys.cimd.test");

  private final ScriptedResolver resolver = new ScriptedResolver()
      .answer(HOST, "127.0.0.1").answer("keys.cimd.test", "127.0.0.1");
  private DocumentServer documents;
  private TestServer test;
  private String clientId;

  @AfterEach
  void stop() {
    if (documents != null) {
      documents.close();
    }
  }

  private void start(DocumentServer.Responder responder) throws Exception {
    start(responder, fetcher -> fetcher.insecureAllowLoopback(), builder -> {});
  }

  private void start(DocumentServer.Responder responder, Consumer<DocumentFetcher.Builder> fetcher,
      Consumer<dev.mcpauth.AuthorizationServer.Builder> server) throws Exception {
    documents = DocumentServer.https(TLS, responder);
    clientId = documents.url(HOST, "/client.json").toString();
    DocumentFetcher.Builder fetcherBuilder = DocumentFetcher.builder().sslContext(TLS.clientContext()).hostResolver(resolver);
    fetcher.accept(fetcherBuilder);
    test = TestServer.create(builder -> {
      builder.documentFetcher(fetcherBuilder.build());
      server.accept(builder);
    });
  }

  private String document(String redirectUri) {
    return """
        {"client_id":"%s","client_name":"Fetched Client","redirect_uris":["%s"],
         "grant_types":["authorization_code","refresh_token"],"token_endpoint_auth_method":"none"}"""
        .formatted(clientId, redirectUri);
  }

  /** The document of the client id the server was started with, computed when the request arrives. */
  private DocumentServer.Responder documentFor(String redirectUri, String... headers) {
    return exchange -> DocumentServer.json(document(redirectUri), headers).respond(exchange);
  }

  private AuthorizationStep authorize(String redirectUri) {
    return test.authorize(test.authorizeParams(TestClient.publicClient(clientId, redirectUri), Pkce.generate()));
  }

  private static String description(AuthorizationStep step) {
    assertThat(step).isInstanceOf(AuthorizationStep.ErrorPage.class);
    return ((AuthorizationStep.ErrorPage) step).error().description();
  }

  @Test
  void documentWhenValidThenAuthorizationProceedsAndTheDocumentIsCachedAsItsHeadersSay() throws Exception {
    start(documentFor(REDIRECT, "Cache-Control", "max-age=120"));

    assertThat(authorize(REDIRECT)).isInstanceOf(AuthorizationStep.Interaction.class);
    assertThat(authorize(REDIRECT)).isInstanceOf(AuthorizationStep.Interaction.class);
    assertThat(documents.requests()).hasSize(1);
    assertThat(documents.sniNames()).containsOnly(HOST);

    test.clock.advance(Duration.ofSeconds(121));
    assertThat(authorize(REDIRECT)).isInstanceOf(AuthorizationStep.Interaction.class);
    assertThat(documents.requests()).hasSize(2);
  }

  @Test
  void clientIdWhenSpelledOtherwiseThanTheCachedDocumentsThenStillRefused() throws Exception {
    start(documentFor(REDIRECT));
    String exact = clientId;
    documents.respond(DocumentServer.json(document(REDIRECT), "Cache-Control", "max-age=600")); // names the exact id
    assertThat(authorize(REDIRECT)).isInstanceOf(AuthorizationStep.Interaction.class);

    for (String variant : new String[] {exact.replace(HOST, "CIMD.TEST"), exact.replace("https://", "HTTPS://"),
        exact.replace("/client.json", "/client%2ejson")}) {
      clientId = variant;
      AuthorizationStep step = authorize(REDIRECT);

      assertErrorPage(step, "invalid_client");
      assertThat(description(step)).as(variant).contains("client_id");
    }
  }

  @Test
  void documentWhenChangedThenNewRedirectUrisTakeEffectAtTheNextFetch() throws Exception {
    start(documentFor(REDIRECT, "Cache-Control", "max-age=60"));
    assertThat(authorize(REDIRECT)).isInstanceOf(AuthorizationStep.Interaction.class);
    documents.respond(documentFor("https://app.cimd.test/new-callback", "Cache-Control", "max-age=60"));

    assertThat(authorize("https://app.cimd.test/new-callback")).as("cached until fresh no more")
        .isInstanceOf(AuthorizationStep.ErrorPage.class);
    test.clock.advance(Duration.ofSeconds(61));

    assertThat(authorize("https://app.cimd.test/new-callback")).isInstanceOf(AuthorizationStep.Interaction.class);
    assertErrorPage(authorize(REDIRECT), "invalid_request");
  }

  @Test
  void documentWhen404ThenItsOwnErrorNeverCachedAndTheFixWorksAtOnce() throws Exception {
    start(DocumentServer.status(404));

    AuthorizationStep step = authorize(REDIRECT);

    assertErrorPage(step, "invalid_client");
    assertThat(description(step)).contains("could not be fetched").contains("404").doesNotContain("must not see");
    documents.respond(documentFor(REDIRECT));
    assertThat(authorize(REDIRECT)).isInstanceOf(AuthorizationStep.Interaction.class);
  }

  @Test
  void documentWhenRedirectedThenRefusedAndTheTargetNeverAsked() throws Exception {
    try (DocumentServer target = DocumentServer.https(TLS, DocumentServer.json("{}"))) {
      start(DocumentServer.status(302, "Location", target.url(HOST, "/client.json").toString()));

      AuthorizationStep step = authorize(REDIRECT);

      assertErrorPage(step, "invalid_client");
      assertThat(description(step)).contains("redirect");
      assertThat(target.requests()).isEmpty();
    }
  }

  @Test
  void documentWhenTooBigThenRefused() throws Exception {
    start(exchange -> DocumentServer.json(document(REDIRECT).replace("Fetched Client", "x".repeat(6000))).respond(exchange));

    AuthorizationStep step = authorize(REDIRECT);

    assertErrorPage(step, "invalid_client");
    assertThat(description(step)).contains("larger");
  }

  @Test
  void documentWhenSlowerThanTheTimeoutThenTemporarilyUnavailableAndNotCached() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(exchange -> {
      release.await(1, TimeUnit.MINUTES);
      DocumentServer.json(document(REDIRECT)).respond(exchange);
    }, fetcher -> fetcher.insecureAllowLoopback().connectTimeout(Duration.ofSeconds(1)).totalTimeout(Duration.ofSeconds(1)),
        builder -> {});

    AuthorizationStep step = authorize(REDIRECT);
    release.countDown();

    assertErrorPage(step, "temporarily_unavailable");
    assertThat(description(step)).contains("could not be fetched");
    assertThat(authorize(REDIRECT)).isInstanceOf(AuthorizationStep.Interaction.class);
  }

  @Test
  void documentWhenNotJsonOrClientIdDiffersThenInvalidAndNotCached() throws Exception {
    start(DocumentServer.json("<html>hello</html>"));
    assertThat(description(authorize(REDIRECT))).contains("invalid");

    documents.respond(exchange -> DocumentServer.json(document(REDIRECT).replace(clientId, clientId + "x")).respond(exchange));
    AuthorizationStep mismatch = authorize(REDIRECT);
    assertErrorPage(mismatch, "invalid_client");
    assertThat(description(mismatch)).contains("client_id");

    documents.respond(exchange -> DocumentServer.json(document(REDIRECT).replace(":" + documents.port() + "/", "/"))
        .respond(exchange));
    assertThat(description(authorize(REDIRECT))).as("no default-port normalisation").contains("client_id");

    documents.respond(documentFor(REDIRECT));
    assertThat(authorize(REDIRECT)).isInstanceOf(AuthorizationStep.Interaction.class);
  }

  @Test
  void redirectUriWhenNotInTheDocumentThenErrorPageNotARedirect() throws Exception {
    start(documentFor(REDIRECT));

    assertErrorPage(authorize("https://evil.example/callback"), "invalid_request");
  }

  @Test
  void hostWhenItResolvesToASpecialUseAddressThenRefusedWithoutAnyRequest() throws Exception {
    start(documentFor(REDIRECT), fetcher -> {}, builder -> {});
    for (String address : new String[] {"127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "::ffff:127.0.0.1"}) {
      resolver.answer(HOST, address);

      AuthorizationStep step = authorize(REDIRECT);

      assertErrorPage(step, "invalid_client");
      assertThat(description(step)).as(address).contains("private or special-use").doesNotContain(address);
    }
    assertThat(documents.requests()).isEmpty();
  }

  @Test
  void registrationPolicyWhenItRefusesTheFetchedDocumentThenTheClientIsRefused() throws Exception {
    start(documentFor(REDIRECT), fetcher -> fetcher.insecureAllowLoopback(),
        builder -> builder.registrationPolicy(RegistrationPolicy.allowRedirectHosts("claude.ai")));

    AuthorizationStep step = authorize(REDIRECT);

    assertErrorPage(step, "invalid_client");
    assertThat(description(step)).contains("not accepted");
  }

  @Test
  void jwksUriWhenKeysRotateThenTheNewKeyWorksAfterTheOldSetIsNoLongerFresh() throws Exception {
    RSAKey first = new RSAKeyGenerator(2048).keyID("first").generate();
    RSAKey second = new RSAKeyGenerator(2048).keyID("second").generate();
    String[] published = {first.toPublicJWK().toJSONString()};
    start(exchange -> {
      if (exchange.getRequestURI().getPath().equals("/jwks.json")) {
        DocumentServer.json("{\"keys\":[" + published[0] + "]}", "Cache-Control", "max-age=60").respond(exchange);
      } else {
        DocumentServer.json(keyedDocument(documents.url("keys.cimd.test", "/jwks.json").toString())).respond(exchange);
      }
    });

    assertThat(tokenWithAssertion(first).status()).isEqualTo(200);
    published[0] = second.toPublicJWK().toJSONString();
    assertError(tokenWithAssertion(second), 401, "invalid_client");
    test.clock.advance(Duration.ofSeconds(61));

    assertThat(tokenWithAssertion(second).status()).isEqualTo(200);
    assertError(tokenWithAssertion(first), 401, "invalid_client");
  }

  @Test
  void jwksUriWhenItsServerFailsForNowThenTemporarilyUnavailableNotInvalidClient() throws Exception {
    start(exchange -> {
      if (exchange.getRequestURI().getPath().equals("/jwks.json")) {
        DocumentServer.status(503).respond(exchange);
      } else {
        DocumentServer.json(keyedDocument(documents.url("keys.cimd.test", "/jwks.json").toString())).respond(exchange);
      }
    });

    EndpointResponse response = tokenWithAssertion(new RSAKeyGenerator(2048).keyID("k").generate());

    assertError(response, 503, "temporarily_unavailable");
    assertThat(response.header("Retry-After")).isPresent();
  }

  @Test
  void jwksUriWhenOnAPrivateAddressThenInvalidClientAndNeverFetched() throws Exception {
    start(exchange -> DocumentServer.json(keyedDocument("https://keys.internal.test/jwks.json")).respond(exchange));
    resolver.answer("keys.internal.test", "10.0.0.5");

    EndpointResponse response = tokenWithAssertion(new RSAKeyGenerator(2048).keyID("k").generate());

    assertError(response, 401, "invalid_client");
    assertThat(new String(response.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .contains("jwks_uri").doesNotContain("10.0.0.5");
  }

  /** A ChatGPT-shaped document: {@code private_key_jwt} only, keys at {@code jwksUri}. */
  private String keyedDocument(String jwksUri) {
    return """
        {"client_id":"%s","client_name":"Keyed","redirect_uris":["%s"],
         "token_endpoint_auth_methods_supported":["private_key_jwt"],"jwks_uri":"%s"}"""
        .formatted(clientId, REDIRECT, jwksUri);
  }

  /** A code for the client, exchanged with an assertion signed by {@code key}. */
  private EndpointResponse tokenWithAssertion(RSAKey key) throws JOSEException {
    TestClient client = TestClient.publicClient(clientId, REDIRECT);
    Pkce pkce = Pkce.generate();
    String code = test.code(client, pkce);
    SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
        new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(TestServer.ISSUER)
            .expirationTime(Date.from(test.clock.instant().plus(Duration.ofMinutes(2))))
            .jwtID(UUID.randomUUID().toString()).build());
    assertion.sign(new RSASSASigner(key));
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", REDIRECT);
    form.put("code_verifier", pkce.verifier());
    form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    form.put("client_assertion", assertion.serialize());
    return test.server.tokenEndpoint().handle(EndpointRequest.form(TestServer.encode(form)));
  }
}
