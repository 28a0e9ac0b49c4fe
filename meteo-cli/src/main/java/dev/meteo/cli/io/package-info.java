/**
 * What the launcher writes and reads: one-line console messages and the one logging setup on stderr (text or JSON
 * lines, {@link dev.meteo.cli.io.Logs}), and JSON (Jackson) for status files, summaries, bench results and the window
 * format of the JSONL file.
 */
package dev.meteo.cli.io;
