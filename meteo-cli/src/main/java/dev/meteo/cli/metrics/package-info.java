/**
 * Every role's Prometheus/OpenMetrics endpoint: {@link dev.meteo.cli.metrics.MetricsEndpoint} serves a Micrometer
 * {@code PrometheusMeterRegistry} with JVM and process meters; {@link dev.meteo.cli.metrics.RoleMeters} binds the
 * SDK's {@code Stats} records and {@link dev.meteo.metrics.Measured} parts to it, and the decorators here
 * ({@link dev.meteo.cli.metrics.MeteredStore}, {@link dev.meteo.cli.metrics.MeteredResultPublisher},
 * {@link dev.meteo.cli.metrics.WindowDelayMeter}) time what the SDK does not. The SDK itself knows no metrics library.
 */
package dev.meteo.cli.metrics;
