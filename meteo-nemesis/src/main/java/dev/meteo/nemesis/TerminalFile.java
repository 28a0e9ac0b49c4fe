package dev.meteo.nemesis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.WindowResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON-lines file {@code meteo terminal} writes ({@code terminal-<id>.jsonl}, one window per line, in the
 * launcher's {@code WindowResultJson} form): {@code {"start":ms,"end":ms,"wellness":{"count":n,"mean":x,"stddev":x,
 * "min":x,"max":x,"latest":ms},"pollution":{...},"late":n}}, the statistics {@code null} when the count is 0. A last
 * line cut short by a crash is skipped, as the terminal itself does. Read here, not through the launcher, which will
 * depend on this module.
 */
public final class TerminalFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TerminalFile() {
    }

    /**
     * The windows of a terminal's file, in file order; none when the file does not exist (a terminal that never kept
     * a window).
     *
     * @throws UncheckedIOException if it exists and cannot be read
     * @throws IllegalArgumentException if a line other than the last is not a window
     */
    public static List<WindowResult> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the terminal's windows " + file + ": " + e.getMessage(), e);
        }
        List<WindowResult> windows = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                windows.add(window(JSON.readTree(lines.get(i))));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                if (i < lines.size() - 1) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
                }
            }
        }
        return windows;
    }

    private static WindowResult window(JsonNode line) {
        return new WindowResult(Instant.ofEpochMilli(integer(line, "start")), Instant.ofEpochMilli(integer(line, "end")),
                statistics(line, "wellness"), statistics(line, "pollution"), integer(line, "late"));
    }

    private static KindStatistics statistics(JsonNode window, String kind) {
        JsonNode statistics = window.get(kind);
        if (statistics == null || !statistics.isObject()) {
            throw new IllegalArgumentException("window field '" + kind + "' must be an object");
        }
        long count = integer(statistics, "count");
        if (count == 0) {
            return KindStatistics.EMPTY;
        }
        JsonNode latest = statistics.get("latest");
        return new KindStatistics(count, number(statistics, "mean"), number(statistics, "stddev"),
                number(statistics, "min"), number(statistics, "max"),
                latest == null || latest.isNull() ? null : Instant.ofEpochMilli(integer(statistics, "latest")));
    }

    private static long integer(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value != null && (value.isIntegralNumber() || value.isDouble() && value.asDouble() == Math.rint(value.asDouble()))) {
            return value.asLong();
        }
        throw new IllegalArgumentException("field '" + field + "' must be an integer, got: " + value);
    }

    private static double number(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value != null && value.isNumber()) {
            return value.asDouble();
        }
        throw new IllegalArgumentException("field '" + field + "' must be a number, got: " + value);
    }
}
