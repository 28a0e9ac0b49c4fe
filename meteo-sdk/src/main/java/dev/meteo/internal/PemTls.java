package dev.meteo.internal;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * TLS material from PEM files, with the JDK alone, the same way for every Meteo connection (gRPC, RabbitMQ, Redis,
 * the HTTP dashboard): a certificate chain, its private key (unencrypted PKCS#8, {@code BEGIN PRIVATE KEY}: what
 * {@code openssl genpkey} and {@code openssl req -nodes} write), and the certificates of the CA that signed the
 * peers. Each failure names the file and what to do about it, so that a misconfiguration reads as one line.
 */
public final class PemTls {

    private static final char[] NO_PASSWORD = new char[0];

    private PemTls() {
    }

    /** Key managers presenting the chain in {@code certificateChain} with the key in {@code privateKey}. */
    public static KeyManager[] keyManagers(Path certificateChain, Path privateKey) {
        List<Certificate> chain = certificates(certificateChain);
        PrivateKey key = privateKey(privateKey);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("meteo", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the key " + privateKey + " does not go with the certificate "
                    + certificateChain + ": " + e.getMessage(), e);
        }
    }

    /** Trust managers that accept exactly the peers whose certificate a CA of {@code caCertificates} signed. */
    public static TrustManager[] trustManagers(Path caCertificates) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates(caCertificates)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the CA in " + caCertificates + ": " + e.getMessage(), e);
        }
    }

    /**
     * A client's TLS context: trusts the CA in {@code caCertificates}, or the JVM's trust store when {@code null};
     * presents no certificate.
     */
    public static SSLContext clientContext(Path caCertificates) {
        return context(null, caCertificates == null ? null : trustManagers(caCertificates));
    }

    /**
     * A TLS context presenting {@code certificateChain}; peers' certificates checked against {@code caCertificates}
     * when given (else the JVM's trust store).
     */
    public static SSLContext context(Path certificateChain, Path privateKey, Path caCertificates) {
        return context(keyManagers(certificateChain, privateKey),
                caCertificates == null ? null : trustManagers(caCertificates));
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM file, in order (a chain: the server's first). */
    public static List<Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (read.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            return List.copyOf(read);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the certificate file " + file + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** The private key in a PEM file: unencrypted PKCS#8, RSA, EC or EdDSA. */
    public static PrivateKey privateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key file " + file + ": " + e, e);
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
            throw new IllegalArgumentException("the key " + file + " is in the old PKCS#1/SEC1 form; convert it to "
                    + "PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        if (pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException("the key " + file + " is encrypted; give it unencrypted (openssl pkcs8 "
                    + "-topk8 -nocrypt) and protect the file instead (mode 600, a Kubernetes Secret)");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException("the key " + file + " is neither RSA, EC nor EdDSA");
    }
}
