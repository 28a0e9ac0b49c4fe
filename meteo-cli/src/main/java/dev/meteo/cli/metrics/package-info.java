/**
 * A role's one measurement model and its renderings: {@link dev.meteo.cli.metrics.RoleMetrics} holds a Micrometer
 * registry with the JVM's and the process's meters and binds the SDK's {@link dev.meteo.metrics.Measured} parts to it;
 * the decorators here ({@link dev.meteo.cli.metrics.MeteredStore}, {@link dev.meteo.cli.metrics.MeteredResultPublisher},
 * {@link dev.meteo.cli.metrics.WindowDelayMeter}, {@link dev.meteo.cli.metrics.StoreMeters}) time what the SDK does
 * not. {@link dev.meteo.cli.metrics.MetricsEndpoint} serves it at {@code /metrics}; the status line and the status file
 * are {@link dev.meteo.cli.metrics.RoleReport}s of it, the one typed way a parent process reads its children. The SDK
 * itself knows no metrics library.
 */
package dev.meteo.cli.metrics;
