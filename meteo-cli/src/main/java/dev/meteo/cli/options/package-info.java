/**
 * The launcher's options, one group per concern (Redis, RabbitMQ, the gRPC peers, the bind address), each shown under its
 * own heading in {@code --help} and read by the commands that need it; the converters of durations and delay ranges;
 * defaults from the environment and a config file ({@link dev.meteo.cli.options.EnvironmentDefaults}).
 */
package dev.meteo.cli.options;
