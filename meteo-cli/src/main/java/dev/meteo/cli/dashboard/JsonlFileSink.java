package dev.meteo.cli.dashboard;

import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.model.WindowResult;
import dev.meteo.terminal.TerminalSink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
    private final long lastWindowEndMillis;
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
            dropTruncatedLastLine(file);
            List<WindowResult> kept = Files.exists(file) ? read(file) : List.of();
            this.lastWindowEndMillis = kept.isEmpty() ? Long.MIN_VALUE : kept.get(kept.size() - 1).end().toEpochMilli();
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + " for appending window results: " + e.getMessage(), e);
        }
    }

    /**
     * A line cut short by a crash is the window being written, not acknowledged yet (it comes again): remove it, so
     * that the next window does not continue it on the same line.
     */
    private static void dropTruncatedLastLine(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = channel.size();
            ByteBuffer one = ByteBuffer.allocate(1);
            long keep = end;
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < end) {
                channel.truncate(keep);
            }
        }
    }

    /** The end of the last window in the file when it was opened: a restarted terminal does not keep it twice. */
    @Override
    public long lastWindowEndMillis() {
        return lastWindowEndMillis;
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
