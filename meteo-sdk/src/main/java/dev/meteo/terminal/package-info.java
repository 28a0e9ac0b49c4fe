/**
 * The terminal role: {@link dev.meteo.terminal.Terminal} receives window results from a transport, drops repeats and
 * stale ones, and hands each new window to its {@link dev.meteo.terminal.TerminalSink}s (a dashboard, a file, an alert).
 */
package dev.meteo.terminal;
