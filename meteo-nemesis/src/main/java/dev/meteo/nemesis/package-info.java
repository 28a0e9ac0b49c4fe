/**
 * The nemesis over real processes (issue 21, section 1), in parts the launcher wires: the fault model
 * ({@link dev.meteo.nemesis.FaultKind}, {@link dev.meteo.nemesis.Fault}) and the run's {@link dev.meteo.nemesis.History}
 * (JSON lines), a seeded {@link dev.meteo.nemesis.Schedule} of faults, the means of one fault
 * ({@link dev.meteo.nemesis.SlowLink}, a delaying TCP relay; partitions are {@code meteo-netns cut}, through
 * meteo-processes' {@code NetnsHosts}), the {@link dev.meteo.nemesis.Checker} that gives a run's verdict, and the
 * {@link dev.meteo.nemesis.Timeline} picture of a run.
 */
package dev.meteo.nemesis;
