/**
 * What the launcher writes and reads: one-line console messages on stderr, and JSON (Jackson) for status files,
 * summaries, bench results and the window format of the JSONL file.
 */
package dev.meteo.cli.io;
