/**
 * One class per subcommand ({@code sensor}, {@code server}, {@code lb}, {@code proxy}, {@code terminal}, {@code demo}):
 * each builds the SDK's roles from its options and runs them through {@link dev.meteo.cli.command.RoleCommand}, which
 * gives every role the same life (start, status lines, graceful stop, exit codes).
 */
package dev.meteo.cli.command;
