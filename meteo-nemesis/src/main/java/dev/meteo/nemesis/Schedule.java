package dev.meteo.nemesis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * A seeded random sequence of faults for a run: given the processes that exist (role to names), the kinds enabled,
 * their bounds, the run's length and a seed, the same inputs always give the same faults, so a run that failed is
 * replayed from its seed. Faults come one at a time, a quiet gap between them, none in the run's first and last
 * moments (the deployment settles, the drain needs a quiet end). Immutable.
 */
public final class Schedule {

    /** The shortest and longest of something drawn at random, both inclusive. */
    public record Bounds(Duration min, Duration max) {

        public Bounds {
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("bounds must satisfy 0 <= min <= max: " + min + ".." + max);
            }
        }

        public static Bounds ofSeconds(long min, long max) {
            return new Bounds(Duration.ofSeconds(min), Duration.ofSeconds(max));
        }

        Duration draw(Random random) {
            return Duration.ofMillis(min.toMillis() + (long) (random.nextDouble() * (max.toMillis() - min.toMillis())));
        }
    }

    /**
     * What a schedule is drawn from.
     *
     * @param runLength          how long the run injects faults for, from its start
     * @param kinds              the fault kinds enabled; a kind whose roles have no process is left out
     * @param durations          how long each kind lasts (a kill: until the restart; a loss: until the node is back)
     * @param gap                the quiet time between one fault's end and the next one's start
     * @param quietStart         no fault before this (the deployment settles)
     * @param quietEnd           every fault ends this long before {@code runLength}
     * @param retention          the store's retention: a share of the pauses is drawn past it, where a paused
     *                           compute server's records come back after their identities could have been trimmed
     * @param pastRetentionShare that share, in [0, 1]
     * @param clockOffset        a clock offset is drawn in {@code [-max, -min] U [min, max]}
     * @param slowLinkDelay      a slow link's delay per chunk
     */
    public record Settings(Duration runLength, Set<FaultKind> kinds, Map<FaultKind, Bounds> durations, Bounds gap,
                           Duration quietStart, Duration quietEnd, Duration retention, double pastRetentionShare,
                           Bounds clockOffset, Bounds slowLinkDelay) {

        public Settings {
            kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
            durations = Map.copyOf(durations);
            for (FaultKind kind : kinds) {
                if (!durations.containsKey(kind)) {
                    throw new IllegalArgumentException("no duration bounds for fault kind " + kind);
                }
            }
            if (gap.min().isZero()) {
                throw new IllegalArgumentException("the gap between faults must be positive, so that a run ends");
            }
            if (pastRetentionShare < 0 || pastRetentionShare > 1) {
                throw new IllegalArgumentException("pastRetentionShare must be in [0, 1]: " + pastRetentionShare);
            }
            if (quietStart.plus(quietEnd).compareTo(runLength) >= 0) {
                throw new IllegalArgumentException("a run of " + runLength + " leaves no time for faults between its "
                        + "quiet start (" + quietStart + ") and end (" + quietEnd + ")");
            }
        }

        /**
         * Every kind, with the bounds of issue 21: a kill restarts after 1-5 s, a pause lasts 1-90 s (a quarter of them
         * past a 30 s retention), partitions 2-30 s, a slow link 5-30 s of 50-2000 ms per chunk, a clock offset 10-60 s
         * of 1-20 s either way, a Redis primary or RabbitMQ node is back after 5-30 s, a terminal's disk refuses writes
         * for 2-20 s; 5-20 s between faults, 20 s quiet at each end.
         */
        public static Settings defaults(Duration runLength) {
            Map<FaultKind, Bounds> durations = new EnumMap<>(FaultKind.class);
            durations.put(FaultKind.KILL, Bounds.ofSeconds(1, 5));
            durations.put(FaultKind.PAUSE, Bounds.ofSeconds(1, 90));
            durations.put(FaultKind.PARTITION_HOST, Bounds.ofSeconds(2, 30));
            durations.put(FaultKind.PARTITION_SENSOR_LB, Bounds.ofSeconds(2, 30));
            durations.put(FaultKind.SLOW_LINK, Bounds.ofSeconds(5, 30));
            durations.put(FaultKind.CLOCK_OFFSET, Bounds.ofSeconds(10, 60));
            durations.put(FaultKind.REDIS_PRIMARY_LOSS, Bounds.ofSeconds(5, 30));
            durations.put(FaultKind.RABBIT_NODE_LOSS, Bounds.ofSeconds(5, 30));
            durations.put(FaultKind.TERMINAL_DISK_FULL, Bounds.ofSeconds(2, 20));
            return new Settings(runLength, EnumSet.allOf(FaultKind.class), durations, Bounds.ofSeconds(5, 20),
                    Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(30), 0.25,
                    Bounds.ofSeconds(1, 20), new Bounds(Duration.ofMillis(50), Duration.ofMillis(2000)));
        }

        /** The same settings with only {@code enabled} kinds. */
        public Settings withKinds(Set<FaultKind> enabled) {
            return new Settings(runLength, enabled, durations, gap, quietStart, quietEnd, retention,
                    pastRetentionShare, clockOffset, slowLinkDelay);
        }

        /** The same settings with {@code bounds} for {@code kind}. */
        public Settings withDurations(FaultKind kind, Bounds bounds) {
            Map<FaultKind, Bounds> changed = new EnumMap<>(durations);
            changed.put(kind, bounds);
            return new Settings(runLength, kinds, changed, gap, quietStart, quietEnd, retention, pastRetentionShare,
                    clockOffset, slowLinkDelay);
        }
    }

    private final long seed;
    private final Settings settings;
    private final List<PlannedFault> faults;

    private Schedule(long seed, Settings settings, List<PlannedFault> faults) {
        this.seed = seed;
        this.settings = settings;
        this.faults = List.copyOf(faults);
    }

    /** A seed for a new run, to print before it starts. */
    public static long newSeed() {
        return new SecureRandom().nextLong();
    }

    /**
     * The faults of a run on {@code targets} (role, as {@link FaultKind#roles()} names them, to its processes' names),
     * drawn from {@code seed}. The order of the map and of the names does not matter: both are sorted first.
     *
     * @throws IllegalArgumentException when no enabled kind has a target
     */
    public static Schedule of(Map<String, List<String>> targets, Settings settings, long seed) {
        return of(targets, settings, seed, (kind, target) -> true);
    }

    /**
     * As {@link #of(Map, Settings, long)}, a kind striking only the targets {@code canStrike} accepts (a slow link
     * only where a relay was placed, for instance); a kind left with no target is left out.
     */
    public static Schedule of(Map<String, List<String>> targets, Settings settings, long seed,
                              BiPredicate<FaultKind, String> canStrike) {
        Map<String, List<String>> sorted = new TreeMap<>();
        targets.forEach((role, names) -> {
            if (!names.isEmpty()) {
                sorted.put(role, List.copyOf(new TreeSet<>(names)));
            }
        });
        List<FaultKind> kinds = new ArrayList<>();
        for (FaultKind kind : FaultKind.values()) { // enum order, not the set's: the same draw on every JVM
            if (settings.kinds().contains(kind) && !targetsOf(kind, sorted, canStrike).isEmpty()) {
                kinds.add(kind);
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("none of the fault kinds " + settings.kinds()
                    + " has a target among " + sorted.keySet());
        }
        Random random = new Random(seed);
        List<PlannedFault> faults = new ArrayList<>();
        Duration lastEnd = settings.runLength().minus(settings.quietEnd());
        Duration at = settings.quietStart();
        while (at.compareTo(lastEnd) < 0) {
            FaultKind kind = kinds.get(random.nextInt(kinds.size()));
            List<String> candidates = targetsOf(kind, sorted, canStrike);
            String target = candidates.get(random.nextInt(candidates.size()));
            Bounds bounds = settings.durations().get(kind);
            Duration duration = duration(kind, bounds, settings, random);
            Map<String, String> detail = detail(kind, settings, random);
            if (at.plus(duration).compareTo(lastEnd) > 0) {
                duration = lastEnd.minus(at); // the last fault ends where the quiet end starts, if it still can
                if (duration.compareTo(bounds.min()) < 0) {
                    break;
                }
            }
            faults.add(new PlannedFault(kind, target, at, duration, detail));
            at = at.plus(duration).plus(settings.gap().draw(random));
        }
        return new Schedule(seed, settings, faults);
    }

    private static Duration duration(FaultKind kind, Bounds bounds, Settings settings, Random random) {
        boolean pastRetention = random.nextDouble() < settings.pastRetentionShare();
        if (kind == FaultKind.PAUSE && pastRetention && bounds.max().compareTo(settings.retention()) > 0) {
            Duration from = settings.retention().plusMillis(1).compareTo(bounds.min()) > 0
                    ? settings.retention().plusMillis(1) : bounds.min();
            return new Bounds(from, bounds.max()).draw(random);
        }
        return bounds.draw(random);
    }

    private static Map<String, String> detail(FaultKind kind, Settings settings, Random random) {
        return switch (kind) {
            case CLOCK_OFFSET -> {
                long offset = settings.clockOffset().draw(random).toMillis();
                yield Map.of(Fault.OFFSET_MILLIS, Long.toString(random.nextBoolean() ? offset : -offset));
            }
            case SLOW_LINK -> Map.of(Fault.DELAY_MILLIS,
                    Long.toString(settings.slowLinkDelay().draw(random).toMillis()));
            default -> Map.of();
        };
    }

    private static List<String> targetsOf(FaultKind kind, Map<String, List<String>> sorted,
                                          BiPredicate<FaultKind, String> canStrike) {
        List<String> names = new ArrayList<>();
        sorted.forEach((role, processes) -> {
            if (kind.roles().contains(role)) {
                processes.stream().filter(name -> canStrike.test(kind, name)).forEach(names::add);
            }
        });
        return names;
    }

    /** The seed this schedule was drawn from: {@code --seed} with it replays the run. */
    public long seed() {
        return seed;
    }

    public Settings settings() {
        return settings;
    }

    /** The faults, in the order they start; none overlaps the next. */
    public List<PlannedFault> faults() {
        return faults;
    }

    /** A line to print before the run: the seed, how to replay it, and how many faults of which kinds. */
    public String describe() {
        Map<FaultKind, Integer> perKind = new EnumMap<>(FaultKind.class);
        faults.forEach(fault -> perKind.merge(fault.kind(), 1, Integer::sum));
        return "nemesis seed " + seed + " (replay with --chaos-seed " + seed + "): " + faults.size() + " faults over "
                + settings.runLength().toSeconds() + " s " + perKind;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Schedule schedule && schedule.seed == seed && schedule.settings.equals(settings)
                && schedule.faults.equals(faults);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seed, settings, faults);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(describe());
        faults.forEach(fault -> text.append('\n').append("  ").append(fault));
        return text.toString();
    }
}
