/**
 * Roles run as child processes of the demo and the bench: how a child is started and watched
 * ({@link dev.meteo.process.ChildProcess}, {@link dev.meteo.cli.command.ParentWatch}), what every child of one
 * deployment is told ({@link dev.meteo.process.Deployment}), a fleet of them with their live counters, the demo's
 * {@link dev.meteo.process.Supervisor} (restarts with backoff) and {@link dev.meteo.process.Nemesis} (a seeded
 * schedule of faults: kill, pause, clock offset, slow link, terminal disk), a sensor's {@link dev.meteo.cli.command.SentMark}, and the drain that waits until every record sent
 * is accounted for.
 */
package dev.meteo.process;
