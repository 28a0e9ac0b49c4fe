/**
 * A running deployment at a glance, as {@code meteo status} shows it and the terminals' web page's health panel:
 * {@link dev.meteo.cli.status.StatusProbe} asks Redis (lease, horizons, counters, memory), direct mode's registries
 * and the broker (passive declares), and returns a {@link dev.meteo.cli.status.DeploymentStatus} that says what is
 * wrong, if anything.
 */
package dev.meteo.cli.status;
