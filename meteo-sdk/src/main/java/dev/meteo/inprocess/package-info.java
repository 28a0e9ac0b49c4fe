/**
 * The in-process mode: {@link dev.meteo.inprocess.InProcessTransport} connects the roles of one JVM directly, for
 * examples and for testing the core end to end without a network.
 */
package dev.meteo.inprocess;
