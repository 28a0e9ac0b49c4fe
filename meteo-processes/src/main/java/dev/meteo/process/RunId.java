package dev.meteo.process;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The id of a demo or bench run: when it started, to the second, and four random hex digits. A run's Redis key
 * prefix, RabbitMQ names and folder are named after it, so two runs started in the same second (two test JVMs, two
 * hosts sharing one Redis) must not get the same id: with the time alone they shared a deployment and each counted
 * the other's records.
 */
public final class RunId {

    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunId() {
    }

    /** A new id, e.g. {@code 20261207-080904-3fa1}; sorts by start time. */
    public static String next() {
        return LocalDateTime.now().format(STARTED) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }
}
