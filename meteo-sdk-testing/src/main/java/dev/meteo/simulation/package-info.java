/**
 * A deterministic simulation of Meteo's core: the SDK's real roles on the in-memory store, one thread, one simulated
 * clock, every choice from one seed, faults injected by the simulator, the same checks at the end of every seed.
 * {@link dev.meteo.simulation.Simulation} runs a seed, {@link dev.meteo.simulation.SimulationMain} a range from the
 * command line; {@code docs/guarantees.md} ("Testing by simulation") lists the fault kinds and the checks.
 */
package dev.meteo.simulation;
