package dev.meteo.grpc;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How direct mode's connections are secured, the same for every server and channel of a process: plaintext (the
 * default, for one machine's loopback), TLS, or mutual TLS. Files are PEM (see {@code dev.meteo.internal.PemTls}); they
 * are read when a server or channel is built, so a renewed certificate is used by the connections opened after it.
 *
 * <ul>
 *   <li>A server presents {@code certificateChain}; with {@link ClientAuth#REQUIRE} it accepts only clients whose
 *       certificate a CA of {@code trustedCa} signed.</li>
 *   <li>A client checks the server's certificate against {@code trustedCa} (the JVM's trust store when {@code null})
 *       and that it names the host called; it presents {@code certificateChain} when given (needed under mTLS).</li>
 * </ul>
 * One deployment is all TLS or all plaintext: a TLS client cannot talk to a plaintext server, nor the reverse.
 *
 * @param certificateChain this process's certificate (then the intermediates), or {@code null}
 * @param privateKey       its private key (unencrypted PKCS#8); given with {@code certificateChain}, or neither
 * @param trustedCa        the CA certificates peers are checked against, or {@code null} for the JVM's trust store
 * @param clientAuth       whether this process's servers demand a client certificate
 */
public record GrpcTlsSettings(Path certificateChain, Path privateKey, Path trustedCa, ClientAuth clientAuth) {

    /** Whether a server asks its clients for a certificate. */
    public enum ClientAuth {
        /** Any client that completes the handshake is served (TLS encrypts and authenticates the server only). */
        NONE,
        /** Only clients presenting a certificate that {@code trustedCa} signed complete the handshake (mutual TLS). */
        REQUIRE
    }

    public GrpcTlsSettings {
        Objects.requireNonNull(clientAuth, "clientAuth");
        if ((certificateChain == null) != (privateKey == null)) {
            throw new IllegalArgumentException("a TLS certificate needs its key, and a key its certificate: give both "
                    + "--tls-cert and --tls-key");
        }
        if (clientAuth == ClientAuth.REQUIRE && (trustedCa == null || certificateChain == null)) {
            throw new IllegalArgumentException("mutual TLS (--tls-client-auth require) needs the CA that signs the "
                    + "clients (--tls-ca) and this process's own certificate and key (--tls-cert, --tls-key)");
        }
    }

    /** No TLS: every connection in clear text. Only for loopback or a network that is trusted otherwise. */
    public static GrpcTlsSettings plaintext() {
        return new GrpcTlsSettings(null, null, null, ClientAuth.NONE);
    }

    /** TLS: serve with this certificate and key, trust peers that {@code trustedCa} signed. */
    public static GrpcTlsSettings of(Path certificateChain, Path privateKey, Path trustedCa) {
        return new GrpcTlsSettings(certificateChain, privateKey, trustedCa, ClientAuth.NONE);
    }

    /** As these settings, with servers that accept only clients presenting a certificate the CA signed. */
    public GrpcTlsSettings requiringClientCertificates() {
        return new GrpcTlsSettings(certificateChain, privateKey, trustedCa, ClientAuth.REQUIRE);
    }

    /** Whether connections use TLS: a certificate or a CA was given. */
    public boolean enabled() {
        return certificateChain != null || trustedCa != null;
    }

    /** For logs: {@code plaintext}, {@code TLS} or {@code mutual TLS}. */
    public String describe() {
        return !enabled() ? "plaintext" : clientAuth == ClientAuth.REQUIRE ? "mutual TLS" : "TLS";
    }
}
