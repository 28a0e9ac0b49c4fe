/**
 * What the bench measures inside the roles, behind hidden flags: latency recorders (HdrHistogram) around the store and
 * the terminal sinks, and the gate that bounds a sensor at full speed.
 */
package dev.meteo.bench.instrument;
