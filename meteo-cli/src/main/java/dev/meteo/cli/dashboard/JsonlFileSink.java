package dev.meteo.cli.dashboard;

import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.model.WindowResult;
import dev.meteo.terminal.TerminalSink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Appends every window result to {@code <data-dir>/terminal-<id>.jsonl}, one {@link WindowResultJson} object per line.
 * Each line is flushed as soon as it is written, so a crash loses at most the line being written; reopening the same
 * file appends. Thread-safe.
 */
public final class JsonlFileSink implements TerminalSink {

    private final Path file;
    private final BufferedWriter writer;
    private boolean closed;

    /**
     * Opens (creating the directory and the file if needed) the file of one terminal for appending.
     *
     * @param terminalId letters, digits, {@code -}, {@code _} or {@code .}: it becomes part of a file name
     * @throws UncheckedIOException if the directory or file cannot be created or opened
     */
    public JsonlFileSink(Path dataDir, String terminalId) {
        this.file = file(dataDir, terminalId);
        try {
            Files.createDirectories(dataDir);
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + " for appending window results: " + e.getMessage(), e);
        }
    }

    /** Where the windows of terminal {@code terminalId} are written under {@code dataDir}. */
    public static Path file(Path dataDir, String terminalId) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(terminalId, "terminalId");
        if (!terminalId.matches("[A-Za-z0-9._-]+") || terminalId.startsWith(".")) {
            throw new IllegalArgumentException("terminal id '" + terminalId
                    + "' cannot name a file: use letters, digits, '-', '_' or '.' (not leading)");
        }
        return dataDir.resolve("terminal-" + terminalId + ".jsonl");
    }

    /**
     * Reads back a file written by this sink, skipping a truncated last line (the one being written at a crash).
     *
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if a line other than the last is not a window
     */
    public static List<WindowResult> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read window results from " + file + ": " + e.getMessage(), e);
        }
        List<WindowResult> results = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                results.add(WindowResultJson.fromJson(line));
            } catch (IllegalArgumentException e) {
                if (i < lines.size() - 1) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
                }
            }
        }
        return results;
    }

    /** The file this sink appends to. */
    public Path path() {
        return file;
    }

    /** Appends the result as one line and flushes it. */
    @Override
    public synchronized void accept(WindowResult result) {
        if (closed) {
            throw new IllegalStateException("window file " + file + " is closed");
        }
        try {
            writer.write(WindowResultJson.toJson(result));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append a window result to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JsonlFileSink[" + file + "]";
    }
}
