package dev.meteo.cli.options;

import java.util.Locale;

/** The two communication modes. */
public enum Mode {
    /** Direct: gRPC calls through a load balancer; the proxy calls every terminal. */
    GRPC,
    /** Indirect: RabbitMQ work queue to the servers; fanout exchange to the terminals. */
    RABBIT;

    /** The command-line spelling ({@code grpc}, {@code rabbit}), as {@code --mode} takes it and logs show it. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
