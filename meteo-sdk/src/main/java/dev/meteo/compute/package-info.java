/**
 * The compute server role, transport-free: {@link dev.meteo.compute.ComputeNode} validates a record, waits the
 * simulated delay on a timer, computes the coefficient and stores it through a group-commit writer. Also
 * {@link dev.meteo.compute.RoundRobin}, the choice over a changing set of servers that load balancers share.
 */
package dev.meteo.compute;
