package dev.mcpauth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files other processes load are what they claim to be, and the chain validates. */
class TestTlsTest {
  private static final char[] PASSWORD = "file-password".toCharArray();
  private final TestTls tls = TestTls.create("cimd.test");

  @Test
  void createThenTheCertificateNamesLoopbackAndTheExtraNames() throws Exception {
    assertThat(tls.certificate().getSubjectAlternativeNames())
        .extracting(name -> (Object) name.get(1))
        .containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "cimd.test");
    assertThat(tls.certificate().getIssuerX500Principal()).isEqualTo(tls.caCertificate().getSubjectX500Principal());
    assertThat(tls.caCertificate().getBasicConstraints()).isZero();
  }

  @Test
  void writeTrustStoreThenAnotherJvmsTrustManagerAcceptsTheServerChain(@TempDir Path dir) throws Exception {
    Path file = tls.writeTrustStore(dir.resolve("trust.p12"), PASSWORD);

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    X509TrustManager trust = (X509TrustManager) factory.getTrustManagers()[0];

    assertThat(store.size()).isEqualTo(1);
    assertThat(trust.getAcceptedIssuers()).containsExactly(tls.caCertificate());
    trust.checkServerTrusted(new X509Certificate[] {tls.certificate(), tls.caCertificate()}, "ECDHE_ECDSA");
  }

  @Test
  void writeKeyStoreThenItHoldsTheKeyAndChainUnderThePassword(@TempDir Path dir) throws Exception {
    Path file = tls.writeKeyStore(dir.resolve("server.p12"), PASSWORD);

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    assertThat(store.getKey(TestTls.KEY_ALIAS, PASSWORD)).isInstanceOf(PrivateKey.class);
    assertThat(store.getCertificateChain(TestTls.KEY_ALIAS)).containsExactly(tls.certificate(), tls.caCertificate());
  }

  @Test
  void pemsThenParseBackToTheSameCertificatesAndKey(@TempDir Path dir) throws Exception {
    CertificateFactory certificates = CertificateFactory.getInstance("X.509");
    Path caFile = tls.writeCaPem(dir.resolve("ca.pem"));
    Collection<? extends Certificate> ca = certificates.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(caFile)));
    Collection<? extends Certificate> chain = certificates.generateCertificates(
        new ByteArrayInputStream(tls.certificateChainPem().getBytes(StandardCharsets.US_ASCII)));

    assertThat(List.<Certificate>copyOf(ca)).containsExactly(tls.caCertificate());
    assertThat(List.<Certificate>copyOf(chain)).containsExactly(tls.certificate(), tls.caCertificate());
    String base64 = tls.privateKeyPem().replaceAll("-----[A-Z ]+-----|\\s", "");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    assertThat(key.getEncoded()).isEqualTo(tls.keyStore().getKey(TestTls.KEY_ALIAS, TestTls.KEY_STORE_PASSWORD).getEncoded());
  }
}
