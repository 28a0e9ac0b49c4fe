package dev.meteo.cli.command;

import dev.meteo.model.SensorRecord;
import dev.meteo.sensor.RecordPublisher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A record publisher that writes how many records it was handed to a file before each one leaves, so a sensor killed
 * with SIGKILL leaves its exact count of records sent (its status file, rewritten once a second, lags behind). The
 * write goes to the page cache, which outlives the process; it is not synced, since the fault it covers is a killed
 * process, not a lost machine. Used by {@code meteo demo}, whose accounting of a killed sensor needs an upper bound.
 */
public final class SentMark implements RecordPublisher {

    /** Digits of the count, space-padded and overwritten in place, then a newline. */
    private static final int WIDTH = 20;

    private final RecordPublisher publisher;
    private final Path path;
    private final FileChannel file;
    private long sent;

    private SentMark(RecordPublisher publisher, Path path, FileChannel file) {
        this.publisher = publisher;
        this.path = path;
        this.file = file;
    }

    /** Wraps {@code publisher}, starting the count at 0 in {@code path} (replaced if it exists). */
    public static SentMark open(RecordPublisher publisher, Path path) throws IOException {
        FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        SentMark mark = new SentMark(publisher, path, file);
        mark.write(0);
        return mark;
    }

    /** The count in a mark file; empty when there is none (the sensor sent nothing) or it cannot be read. */
    public static OptionalLong read(Path path) {
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Counts the record, then hands it on; a record whose count cannot be written is not sent and fails. */
    @Override
    public CompletableFuture<Void> publish(SensorRecord record) {
        synchronized (this) {
            try {
                write(sent + 1);
                sent++;
            } catch (IOException e) {
                return CompletableFuture.failedFuture(new UncheckedIOException("cannot count record " + record.id()
                        + " in " + path + ", so it is not sent", e));
            }
        }
        return publisher.publish(record);
    }

    private void write(long count) throws IOException {
        String text = String.format("%" + WIDTH + "d%n", count);
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        long position = 0;
        while (bytes.hasRemaining()) {
            position += file.write(bytes, position);
        }
    }

    /** Closes the mark file and the publisher it wraps. */
    @Override
    public void close() {
        try {
            publisher.close();
        } finally {
            try {
                file.close();
            } catch (IOException e) {
                // the count is written; nothing else to release
            }
        }
    }
}
