package dev.meteo.cli.options;

import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.internal.PemTls;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a role secures its gRPC servers and channels, and the CA its other TLS connections trust unless told otherwise:
 * an argument group of every role that serves or calls gRPC. No option given: plaintext, the loopback default.
 */
public final class TlsOptions {

    public static final String HEADING = "%nTLS (grpc between roles; the CA also checks amqps:// and rediss://):%n";

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "This process's certificate, PEM (then its intermediates): its gRPC servers present it, and "
                    + "its gRPC clients when a server requires one. With --tls-key (default: none, plaintext).")
    Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The private key of --tls-cert, PEM, unencrypted PKCS#8 (BEGIN PRIVATE KEY) (default: none).")
    Path key;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "The CA certificate(s), PEM, that peers' certificates are checked against: gRPC servers and "
                    + "clients, and the broker (amqps://) and Redis (rediss://) unless --rabbit-tls-ca or --redis-tls-ca "
                    + "say otherwise. --tls-ca or --tls-cert turns TLS on for gRPC; every role of a deployment must then "
                    + "use it (default: none, plaintext gRPC; the JVM's trust store for amqps:// and rediss://).")
    Path ca;

    @Option(names = "--tls-client-auth", paramLabel = "none|require", defaultValue = "none",
            description = "require: this process's gRPC servers accept only clients presenting a certificate that "
                    + "--tls-ca signed (mutual TLS; every role then needs --tls-cert and --tls-key) "
                    + "(default: ${DEFAULT-VALUE}).")
    GrpcTlsSettings.ClientAuth clientAuth = GrpcTlsSettings.ClientAuth.NONE;

    /** {@code --tls-cert}, or {@code null}. */
    public Path certificate() {
        return certificate;
    }

    /** {@code --tls-key}, or {@code null}. */
    public Path key() {
        return key;
    }

    /** The CA given with {@code --tls-ca}, or {@code null}: the fallback of {@code --rabbit-tls-ca}, {@code --redis-tls-ca}. */
    public Path ca() {
        return ca;
    }

    /**
     * The gRPC settings these options describe, the files checked now, so that a wrong path or key stops the role at
     * once with the file's name rather than at its first connection.
     */
    public GrpcTlsSettings grpc() {
        GrpcTlsSettings tls = new GrpcTlsSettings(readable(certificate, "--tls-cert"), readable(key, "--tls-key"),
                readable(ca, "--tls-ca"), clientAuth);
        if (tls.certificateChain() != null) {
            PemTls.keyManagers(tls.certificateChain(), tls.privateKey());
        }
        if (tls.trustedCa() != null) {
            PemTls.trustManagers(tls.trustedCa());
        }
        return tls;
    }

    /** {@code file} when it can be read; {@code null} stays {@code null}. */
    public static Path readable(Path file, String option) {
        if (file != null && !Files.isReadable(file)) {
            throw new IllegalArgumentException(option + " " + file + ": no such file, or not readable by this user");
        }
        return file;
    }
}
