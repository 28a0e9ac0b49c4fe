package dev.meteo.cli.dashboard;

import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.model.WindowResult;
import dev.meteo.terminal.TerminalSink;

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
 * Each line is written as soon as it comes, so a crash loses at most the line being written; reopening the same
 * file appends, after removing a last line cut short. It is the terminal's {@linkplain #durable() durable} record:
 * a line that cannot be written (disk full, file size limit) is taken back (the file is cut to its last whole line)
 * and the window refused, so the terminal gets it again; a window it holds already is not written twice. Thread-safe.
 */
public final class JsonlFileSink implements TerminalSink {

    /** The first part of the file read back from its end for its last window (doubled until a whole line is in it). */
    private static final int TAIL_BYTES = 4096;

    private final Path file;
    private final FileChannel channel;
    private final long lastWindowEndMillis;
    /** Bytes of whole lines in the file: where the next line goes, and where a failed write is cut back to. */
    private long length;
    /** The end of the last window in the file: an older or equal one is not written again. */
    private long lastWrittenEndMillis;
    private boolean closed;

    /**
     * Opens (creating the directory and the file if needed) the file of one terminal for appending. Its last window
     * is read from the end of the file, whatever its size.
     *
     * @param terminalId letters, digits, {@code -}, {@code _} or {@code .}: it becomes part of a file name
     * @throws UncheckedIOException if the directory or file cannot be created or opened
     */
    public JsonlFileSink(Path dataDir, String terminalId) {
        this.file = file(dataDir, terminalId);
        FileChannel opened = null;
        try {
            Files.createDirectories(dataDir);
            opened = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            this.length = dropTruncatedLastLine(opened);
            this.lastWindowEndMillis = lastWindowEnd(opened, length, file);
            this.lastWrittenEndMillis = lastWindowEndMillis;
            this.channel = opened;
        } catch (IOException e) {
            close(opened);
            throw new UncheckedIOException("cannot open " + file + " for appending window results: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(opened);
            throw e;
        }
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing: the first error is the one to report
            }
        }
    }

    /**
     * A line cut short by a crash is the window being written, not acknowledged yet (it comes again): remove it, so
     * that the next window does not continue it on the same line. Returns the length of the whole lines.
     */
    private static long dropTruncatedLastLine(FileChannel channel) throws IOException {
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
        return keep;
    }

    /**
     * The end of the last window of the first {@code length} bytes (whole lines), read from the end: the last line
     * that is a window, one unreadable last line being skipped as {@link #read} skips it; {@code Long.MIN_VALUE} for
     * none.
     *
     * @throws IllegalArgumentException if the line before an unreadable last line is not a window either
     */
    static long lastWindowEnd(FileChannel channel, long length, Path file) throws IOException {
        for (long tail = TAIL_BYTES; ; tail *= 2) {
            long from = Math.max(0, length - tail);
            ByteBuffer bytes = ByteBuffer.allocate((int) (length - from));
            while (bytes.hasRemaining() && channel.read(bytes, from + bytes.position()) > 0) {
                // read the tail
            }
            String[] lines = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8).split("\n");
            int first = from == 0 ? 0 : 1; // the first piece may be the end of a line that starts before the tail
            boolean skippedUnreadable = false;
            for (int i = lines.length - 1; i >= first; i--) {
                if (lines[i].isBlank()) {
                    continue;
                }
                try {
                    return WindowResultJson.fromJson(lines[i]).end().toEpochMilli();
                } catch (IllegalArgumentException e) {
                    if (skippedUnreadable) {
                        throw new IllegalArgumentException(file + ": a line before its last one is not a window: "
                                + e.getMessage(), e);
                    }
                    skippedUnreadable = true;
                }
            }
            if (from == 0) {
                return Long.MIN_VALUE;
            }
        }
    }

    /** The end of the last window in the file when it was opened: a restarted terminal does not keep it twice. */
    @Override
    public long lastWindowEndMillis() {
        return lastWindowEndMillis;
    }

    /** The file is the terminal's record of its windows: a window it cannot write is not taken. */
    @Override
    public boolean durable() {
        return true;
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

    /**
     * Appends the result as one line, unless the file holds it (or a later window) already. A write that fails is
     * taken back, so the file ends with a whole line, and the next attempt starts there.
     *
     * @throws UncheckedIOException when the line cannot be written: the window is not in the file
     */
    @Override
    public synchronized void accept(WindowResult result) {
        if (closed) {
            throw new IllegalStateException("window file " + file + " is closed");
        }
        long end = result.end().toEpochMilli();
        if (end <= lastWrittenEndMillis) {
            return; // kept by an earlier attempt: once is enough
        }
        ByteBuffer line = ByteBuffer.wrap((WindowResultJson.toJson(result) + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            if (channel.size() != length) {
                channel.truncate(length); // what a failed attempt left behind, when taking it back failed too
            }
            while (line.hasRemaining()) {
                channel.write(line, length + line.position());
            }
        } catch (IOException e) {
            try {
                channel.truncate(length);
            } catch (IOException stillFailing) {
                e.addSuppressed(stillFailing); // cut back before the next write instead
            }
            throw new UncheckedIOException("cannot append window " + result.start() + " to " + file + ": "
                    + e.getMessage(), e);
        }
        length += line.limit();
        lastWrittenEndMillis = end;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JsonlFileSink[" + file + "]";
    }
}
