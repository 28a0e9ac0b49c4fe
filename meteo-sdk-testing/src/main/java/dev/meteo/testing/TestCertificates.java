package dev.meteo.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A certificate authority of a test's own, made at test time (BouncyCastle's certificate builder: the JDK has no public
 * API to sign one), with the certificates it issues, written as PEM files in a folder: what every TLS test needs
 * (gRPC, RabbitMQ, Redis, the HTTP dashboard), and what {@code openssl} would write. Keys are EC P-256 in unencrypted
 * PKCS#8 ({@code BEGIN PRIVATE KEY}); certificates are valid from an hour ago for a day.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final Path caFile;

    private TestCertificates(Path dir, String name, KeyPair keys, X509Certificate certificate) {
        this.dir = dir;
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
        this.caFile = write(dir.resolve(name + "-ca.pem"), pem("CERTIFICATE", encoded(certificate)));
    }

    /** A new CA named {@code name}; its certificate goes to {@code <dir>/<name>-ca.pem}. */
    public static TestCertificates authority(Path dir, String name) {
        KeyPair keys = newKeys();
        X500Name subject = new X500Name("CN=" + name + " test CA");
        X509v3CertificateBuilder builder = builder(subject, subject, keys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return new TestCertificates(dir, name, keys, sign(builder, keys));
    }

    /** The CA's certificate (PEM): what {@code --tls-ca}, {@code --tls-ca-cert-file}, {@code cacertfile} take. */
    public Path ca() {
        return caFile;
    }

    /** A certificate and its key, as PEM files. */
    public record Issued(Path certificate, Path key) {
    }

    /**
     * Issues a certificate for {@code commonName} naming {@code hosts} (IP addresses or DNS names) in its subject
     * alternative names, good for a server and a client alike (mutual TLS), as one process is both.
     */
    public Issued issue(String commonName, List<String> hosts) {
        KeyPair leaf = newKeys();
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                new X500Name("CN=" + commonName), leaf);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            GeneralName[] names = hosts.stream().map(TestCertificates::generalName).toArray(GeneralName[]::new);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[]{
                            KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(leaf.getPublic()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        X509Certificate issued = sign(builder, keys);
        Path certificateFile = write(dir.resolve(name + "-" + commonName + ".pem"), pem("CERTIFICATE", encoded(issued)));
        Path keyFile = write(dir.resolve(name + "-" + commonName + "-key.pem"),
                pem("PRIVATE KEY", leaf.getPrivate().getEncoded()));
        return new Issued(certificateFile, keyFile);
    }

    /** {@link #issue(String, List)} for this machine's loopback: {@code 127.0.0.1} and {@code localhost}. */
    public Issued issueForLoopback(String commonName) {
        return issue(commonName, List.of("127.0.0.1", "localhost"));
    }

    private static GeneralName generalName(String host) {
        boolean address = host.matches("[0-9.]+") || host.contains(":");
        return new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, host);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a test certificate: " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
