package dev.meteo.nemesis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The faults of a run as JSON lines, written as each fault starts and as it ends, so that a run stopped at any moment
 * leaves the faults it injected up to then (a fault seen to start and not to end reads back with no end). Lines:
 * <pre>{"event":"start","id":1,"kind":"pause","target":"server-2","at":ms,"detail":{"seconds":"40"}}
 *{"event":"end","id":1,"at":ms}</pre>
 * Times are epoch milliseconds, {@code id} pairs an end with its start. An end may carry a {@code detail} of what was
 * learned during the fault (e.g. how long a failover took), added to its start's. Each line is flushed as written.
 * Thread-safe.
 */
public final class History implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Clock clock;
    private final BufferedWriter out;
    private final Map<Long, Fault> open = new LinkedHashMap<>();
    private long lastId;

    private History(Path file, Clock clock, BufferedWriter out) {
        this.file = file;
        this.clock = clock;
        this.out = out;
    }

    /**
     * Starts a new history in {@code file} (created with its directory, emptied if it exists), timed by {@code clock}.
     *
     * @throws UncheckedIOException if it cannot be created
     */
    public static History create(Path file, Clock clock) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            return new History(file, clock, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the fault history " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where this history is written. */
    public Path file() {
        return file;
    }

    /**
     * Writes that a fault starts now and returns its id, to give {@link #ended} when it ends. Call it just before the
     * fault is injected, so the history never misses one that happened.
     */
    public synchronized long started(FaultKind kind, String target, Map<String, String> detail) {
        long id = ++lastId;
        Instant now = clock.instant();
        Fault fault = new Fault(kind, target, now, null, detail);
        ObjectNode line = JSON.createObjectNode();
        line.put("event", "start");
        line.put("id", id);
        line.put("kind", kind.label());
        line.put("target", target);
        line.put("at", now.toEpochMilli());
        ObjectNode details = line.putObject("detail");
        fault.detail().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> details.put(entry.getKey(), entry.getValue()));
        write(line);
        open.put(id, fault);
        return id;
    }

    /**
     * Writes that fault {@code id} ended now (the process restarted or resumed, the link restored) and returns it.
     *
     * @throws IllegalArgumentException if no fault {@code id} is going on
     */
    public synchronized Fault ended(long id) {
        return ended(id, Map.of());
    }

    /**
     * Writes that fault {@code id} ended now, with {@code learned}: detail known only once it ran (added to its
     * start's).
     *
     * @throws IllegalArgumentException if no fault {@code id} is going on
     */
    public synchronized Fault ended(long id, Map<String, String> learned) {
        Fault fault = open.remove(id);
        if (fault == null) {
            throw new IllegalArgumentException("no fault " + id + " is going on in " + file);
        }
        Instant now = clock.instant();
        ObjectNode line = JSON.createObjectNode();
        line.put("event", "end");
        line.put("id", id);
        line.put("at", now.toEpochMilli());
        if (!learned.isEmpty()) {
            ObjectNode details = line.putObject("detail");
            new TreeMap<>(learned).forEach(details::put);
        }
        write(line);
        Map<String, String> detail = new TreeMap<>(fault.detail());
        detail.putAll(learned);
        return new Fault(fault.kind(), fault.target(), fault.start(), now, detail);
    }

    /** The faults started and not ended yet, in the order they started. */
    public synchronized List<Fault> going() {
        return List.copyOf(open.values());
    }

    private void write(ObjectNode line) {
        try {
            out.write(JSON.writeValueAsString(line));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fault history " + file + ": " + e.getMessage(), e);
        }
    }

    /** Closes the file; faults still going stay without an end in it. */
    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the fault history " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The faults of a history file, in the order they started; one that did not end has a {@code null} end. A last line
     * cut short (the run was killed while writing it) is skipped.
     *
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if a line other than the last is not an event of this format, or an end names
     *                                  no fault started before it
     */
    public static List<Fault> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fault history " + file + ": " + e.getMessage(), e);
        }
        Map<Long, Fault> byId = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                apply(JSON.readTree(line), byId);
            } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
                if (i == lines.size() - 1 && e instanceof JsonProcessingException) {
                    break; // cut short by a crash
                }
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        List<Fault> faults = new ArrayList<>(byId.values());
        faults.sort(Comparator.comparing(Fault::start));
        return faults;
    }

    private static void apply(JsonNode event, Map<Long, Fault> byId) {
        long id = required(event, "id").asLong();
        Instant at = Instant.ofEpochMilli(required(event, "at").asLong());
        switch (required(event, "event").asText()) {
            case "start" -> {
                Map<String, String> detail = new TreeMap<>();
                event.path("detail").fields().forEachRemaining(field -> detail.put(field.getKey(),
                        field.getValue().asText()));
                byId.put(id, new Fault(FaultKind.ofLabel(required(event, "kind").asText()),
                        required(event, "target").asText(), at, null, detail));
            }
            case "end" -> {
                Fault started = byId.get(id);
                if (started == null) {
                    throw new IllegalArgumentException("fault " + id + " ends but never started");
                }
                Map<String, String> detail = new TreeMap<>(started.detail());
                event.path("detail").fields().forEachRemaining(field -> detail.put(field.getKey(),
                        field.getValue().asText()));
                byId.put(id, new Fault(started.kind(), started.target(), started.start(), at, detail));
            }
            default -> throw new IllegalArgumentException("unknown event '" + event.get("event").asText() + "'");
        }
    }

    private static JsonNode required(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("no field '" + field + "' in " + event);
        }
        return value;
    }
}
