package dev.meteo.cli.dashboard;

import dev.meteo.cli.io.WindowResultJson;
import dev.meteo.model.WindowResult;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Follows a terminal's JSON-lines file that another process appends to ({@link JsonlFileSink}), like
 * {@code tail -f}: each {@link #poll()} returns the windows of the complete lines added since the last one. A line
 * without its newline yet is left for later; a line cut short by a killed terminal is removed by its next process
 * before it appends, so the file never shrinks below a line end taken here. One thread at a time.
 */
public final class JsonlTail {

    private final Path file;
    private long taken; // bytes of complete lines taken

    public JsonlTail(Path file) {
        this.file = file;
    }

    /**
     * The windows appended since the last poll, in file order; none while the file does not exist. A line that does
     * not parse is skipped and reported through {@code unreadable}.
     */
    public List<WindowResult> poll(Consumer<String> unreadable) throws IOException {
        long size = Files.exists(file) ? Files.size(file) : 0;
        if (size <= taken) {
            return List.of();
        }
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, size - taken));
            while (buffer.hasRemaining() && channel.read(buffer, taken + buffer.position()) > 0) {
                // read what is there
            }
            bytes = Arrays.copyOf(buffer.array(), buffer.position());
        }
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        taken += end;
        List<WindowResult> windows = new ArrayList<>();
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                windows.add(WindowResultJson.fromJson(line));
            } catch (RuntimeException e) {
                unreadable.accept("cannot read a line of " + file.getFileName() + ": " + e.getMessage());
            }
        }
        return windows;
    }
}
