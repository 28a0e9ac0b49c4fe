/**
 * The {@code meteo} launcher: {@link dev.meteo.cli.Meteo} is the command line (picocli); the rest is in rooms by concern:
 * {@code command} (one class per subcommand), {@code options} (option groups shared by the commands, converters, the
 * environment and config-file defaults), {@code process} (child processes of the demo and the bench), {@code dashboard}
 * (what a terminal shows and saves), {@code io} (console lines, logs and JSON), {@code metrics} (every role's Prometheus
 * endpoint), {@code status} (a deployment's health, for {@code meteo status} and the web page), {@code instrument}
 * (what the bench measures inside the roles), {@code bench} (the load harness) and {@code embedded} (the demo's
 * fallback Redis and broker).
 */
package dev.meteo.cli;
