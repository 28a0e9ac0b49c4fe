/**
 * How Meteo's parts report what they count, without depending on a metrics library: a part that counts implements
 * {@link dev.meteo.metrics.Measured} and returns {@link dev.meteo.metrics.Measurement}s on demand. An adapter binds
 * them to a registry (the launcher binds them to Micrometer and serves them to Prometheus); an embedder can bind them
 * to any other. The core roles expose typed {@code Stats} records instead, for the same purpose.
 */
package dev.meteo.metrics;
