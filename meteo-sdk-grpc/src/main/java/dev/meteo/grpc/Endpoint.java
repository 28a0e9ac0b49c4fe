package dev.meteo.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a gRPC server can be reached: {@code host:port}. Also reads static peer lists (compute servers for the load
 * balancer, terminals for the proxy) from a file: one {@code host:port} per line, blank lines and {@code #} comments
 * ignored.
 */
public record Endpoint(String host, int port) {

    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("endpoint host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port must be in 1..65535: " + port);
        }
    }

    /** Parses {@code host:port} (an IPv6 host in brackets: {@code [::1]:50051}). */
    public static Endpoint parse(String text) {
        Objects.requireNonNull(text, "endpoint");
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new Endpoint(host, Integer.parseInt(trimmed.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port with a numeric port, got '" + text + "'", e);
        }
    }

    /** Reads a static peer list: one {@code host:port} per line; blank lines and lines starting with {@code #} skipped. */
    public static List<Endpoint> readList(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .map(String::trim)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(Endpoint::parse)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the peer list " + file + ": " + e.getMessage(), e);
        }
    }

    /** The {@code host:port} form, as sent in registrations and used as the peer's key. */
    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
