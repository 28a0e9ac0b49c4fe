package dev.meteo.simulation;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * What happened in a run, as a digest of every event (time, what, to what, outcome), so that two runs of one seed can
 * be compared, and, when asked for, as lines a person reads to understand a failing seed. Subjects must hash the same
 * in every JVM (strings, record ids, window results), never by identity.
 */
final class Trace {

    private final Consumer<String> lines;
    private long digest = 0x9E3779B97F4A7C15L;
    private long start;

    /** {@code lines} receives one line per event, or is {@code null} for the digest only. */
    Trace(Consumer<String> lines) {
        this.lines = lines;
    }

    void startsAt(long millis) {
        this.start = millis;
    }

    /** {@code who} did {@code what} (both constant or role ids) to {@code subject}, with a number that says how. */
    void event(long nowMillis, String who, String what, Object subject, long value) {
        mix(nowMillis);
        mix(who.hashCode());
        mix(what.hashCode());
        mix(Objects.hashCode(subject));
        mix(value);
        if (lines != null) {
            lines.accept(String.format("%9.3fs %-10s %-20s %s %d", (nowMillis - start) / 1000.0, who, what, subject, value));
        }
    }

    /** A line for the reader only (a fault's description), also in the digest. */
    void note(long nowMillis, String text) {
        mix(nowMillis);
        mix(text.hashCode());
        if (lines != null) {
            lines.accept(String.format("%9.3fs %s", (nowMillis - start) / 1000.0, text));
        }
    }

    void mix(long value) {
        long z = digest ^ value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        digest = z ^ (z >>> 31);
    }

    long digest() {
        return digest;
    }
}
