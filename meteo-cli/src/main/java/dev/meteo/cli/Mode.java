package dev.meteo.cli;

/** The two communication modes. */
enum Mode {
    /** Direct: gRPC calls through a load balancer; the proxy calls every terminal. */
    grpc,
    /** Indirect: RabbitMQ work queue to the servers; fanout exchange to the terminals. */
    rabbit
}
