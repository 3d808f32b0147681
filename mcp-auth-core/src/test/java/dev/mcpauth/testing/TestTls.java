package dev.mcpauth.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and one server certificate it issued, made in-process, for real
 * TLS in tests: in this JVM ({@link #serverContext()}, {@link #clientContext()}) and in servers or
 * clients of other processes (key store, trust store and PEM files). The server certificate names
 * {@code localhost}, {@code 127.0.0.1} and {@code ::1}, plus any names a test adds. Nothing trusts the
 * CA unless a test says so. Keys are EC P-256. Immutable and thread-safe.
 */
public final class TestTls {
  /** The password of {@link #keyStore()} and of its key entry. */
  public static final char[] KEY_STORE_PASSWORD = "test-only".toCharArray();

  /** The alias of the server's key entry in {@link #keyStore()}. */
  public static final String KEY_ALIAS = "server";

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate caCertificate;
  private final X509Certificate certificate;
  private final PrivateKey key;

  private TestTls(X509Certificate caCertificate, X509Certificate certificate, PrivateKey key) {
    this.caCertificate = caCertificate;
    this.certificate = certificate;
    this.key = key;
  }

  /**
   * A new CA and a server certificate for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and
   * {@code extraNames} (DNS names or IP literals), valid from an hour ago for 30 days.
   */
  public static TestTls create(String... extraNames) {
    List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
    names.addAll(List.of(extraNames));
    try {
      Instant now = Instant.now();
      Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
      Date notAfter = Date.from(now.plus(Duration.ofDays(30)));
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

      KeyPair caKeys = ecKeyPair();
      X500Name caName = new X500Name("CN=mcp-auth test CA");
      X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(), notBefore, notAfter, caName,
          caKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate caCertificate = sign(ca, caKeys.getPrivate());

      KeyPair serverKeys = ecKeyPair();
      GeneralName[] altNames = names.stream()
          .map(name -> new GeneralName(isIpLiteral(name) ? GeneralName.iPAddress : GeneralName.dNSName, name))
          .toArray(GeneralName[]::new);
      X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caCertificate, serial(), notBefore, notAfter,
          new X500Name("CN=" + names.get(0)), serverKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames))
          .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCertificate))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensions.createSubjectKeyIdentifier(serverKeys.getPublic()));
      return new TestTls(caCertificate, sign(server, caKeys.getPrivate()), serverKeys.getPrivate());
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("could not issue test certificates", e);
    }
  }

  public X509Certificate caCertificate() {
    return caCertificate;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** For a server in this JVM (e.g. {@code HttpsServer}): presents the certificate and its chain. */
  public SSLContext serverContext() {
    try {
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore(), KEY_STORE_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For a client in this JVM: trusts this CA and nothing else, presents no certificate. */
  public SSLContext clientContext() {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PKCS12: the server's key and chain under {@link #KEY_ALIAS}, protected by {@link #KEY_STORE_PASSWORD}. */
  public KeyStore keyStore() {
    return keyStore(KEY_STORE_PASSWORD);
  }

  /** Writes {@link #keyStore()}, with {@code password}, for a server in another process (Jetty, Node's {@code pfx}). */
  public Path writeKeyStore(Path file, char[] password) throws IOException {
    return write(keyStore(password), file, password);
  }

  /** Writes a PKCS12 trust store holding only the CA, for {@code -Djavax.net.ssl.trustStore=} of another JVM. */
  public Path writeTrustStore(Path file, char[] password) throws IOException {
    return write(trustStore(), file, password);
  }

  /** The CA certificate as PEM, e.g. for Node's {@code NODE_EXTRA_CA_CERTS}. */
  public String caPem() {
    return pem("CERTIFICATE", encoded(caCertificate));
  }

  /** Writes {@link #caPem()} to {@code file}. */
  public Path writeCaPem(Path file) throws IOException {
    return Files.writeString(file, caPem(), StandardCharsets.US_ASCII);
  }

  /** The server certificate then the CA, as PEM (a server's {@code cert} option). */
  public String certificateChainPem() {
    return pem("CERTIFICATE", encoded(certificate)) + caPem();
  }

  /** The server's private key as unencrypted PKCS#8 PEM (a server's {@code key} option). */
  public String privateKeyPem() {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  private KeyStore keyStore(char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(KEY_ALIAS, key, password, new Certificate[] {certificate, caCertificate});
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("test-ca", caCertificate);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path write(KeyStore store, Path file, char[] password) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
      return file;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ecKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  /** Positive, 159 bits: RFC 5280 §4.1.2.2 allows at most 20 octets. */
  private static BigInteger serial() {
    return new BigInteger(159, RANDOM);
  }

  private static boolean isIpLiteral(String name) {
    return name.contains(":") || IPV4.matcher(name).matches();
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
  }
}
