package dev.meteo.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The faults one seed injects, drawn before the run from the seed alone: each allowed kind with even odds, then its
 * rate, or its one or two occurrences (when, to which role, for how long, by how much). Data only; the deployment
 * applies it.
 */
final class FaultPlan {

    /**
     * One fault: a rate for the whole run ({@code atMillis} 0), or an occurrence at {@code atMillis} after the start.
     *
     * @param target   which role (an index among the nodes, proxies, sensors or terminals), or -1
     * @param amount   a rate in percent, a clock offset in ms, or the store calls before an in-step pause (0: between steps)
     * @param amount2  a second rate in percent (slow terminals: unanswered calls)
     */
    record Fault(FaultKind kind, long atMillis, int target, long durationMillis, long amount, long amount2,
                 String description) {
    }

    /** How many of each role a seed's deployment has, and how long its sensors emit. */
    record Shape(int nodes, int proxies, int sensors, int terminals, long runMillis) {
    }

    private final List<Fault> faults;

    private FaultPlan(List<Fault> faults) {
        this.faults = List.copyOf(faults);
    }

    List<Fault> faults() {
        return faults;
    }

    static FaultPlan draw(Set<FaultKind> allowed, SplittableRandom random, Shape shape) {
        List<Fault> faults = new ArrayList<>();
        for (FaultKind kind : FaultKind.values()) { // a fixed order: the same draws for the same seed
            if (!allowed.contains(kind) || !random.nextBoolean()) {
                continue;
            }
            switch (kind) {
                case REORDER -> {
                    long latency = 50 + random.nextLong(451);
                    faults.add(rate(kind, latency, 0, "reorder (latencies up to " + latency + " ms)"));
                }
                case DUPLICATE, LOSE_REPLY, INVALID_RECORDS -> {
                    long percent = 2 + random.nextLong(kind == FaultKind.LOSE_REPLY ? 29 : kind == FaultKind.DUPLICATE ? 19 : 14);
                    faults.add(rate(kind, percent, 0, kind + " " + percent + "%"));
                }
                case DELAY_DELIVERY -> {
                    long percent = 1 + random.nextLong(5);
                    faults.add(rate(kind, percent, 0, kind + " " + percent + "% (up to "
                            + RecordPath.LONGEST_DELAY_MILLIS / 1000 + " s)"));
                }
                case SLOW_TERMINAL -> {
                    long late = 5 + random.nextLong(36);
                    long unanswered = 5 + random.nextLong(26);
                    faults.add(rate(kind, late, unanswered, kind + " " + late + "% late, " + unanswered + "% unanswered"));
                }
                default -> {
                    int occurrences = 1 + random.nextInt(2);
                    for (int i = 0; i < occurrences; i++) {
                        faults.add(occurrence(kind, random, shape));
                    }
                }
            }
        }
        faults.sort((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
        return new FaultPlan(faults);
    }

    private static Fault rate(FaultKind kind, long amount, long amount2, String description) {
        return new Fault(kind, 0, -1, 0, amount, amount2, description);
    }

    private static Fault occurrence(FaultKind kind, SplittableRandom random, Shape shape) {
        long at = 300 + random.nextLong(shape.runMillis() - 300);
        return switch (kind) {
            case CRASH_NODE -> targeted(kind, at, random.nextInt(shape.nodes()), "node", 100 + random.nextLong(4_901), 0, "");
            case PAUSE_NODE -> targeted(kind, at, random.nextInt(shape.nodes()), "node", 200 + random.nextLong(11_801), 0, "");
            case PAUSE_PROXY -> {
                int calls = random.nextBoolean() ? 1 + random.nextInt(6) : 0;
                yield targeted(kind, at, random.nextInt(shape.proxies()), "proxy", 1_000 + random.nextLong(7_001), calls,
                        calls == 0 ? " between steps" : " before its store call " + calls + " of a step");
            }
            case CRASH_PROXY -> targeted(kind, at, random.nextInt(shape.proxies()), "proxy", random.nextLong(6_001), 0, "");
            case STORE_UNAVAILABLE, STORE_FULL -> {
                long duration = 100 + random.nextLong(5_901);
                yield new Fault(kind, at, -1, duration, 0, 0,
                        String.format(Locale.ROOT, "%s at %s for %s", kind, seconds(at), seconds(duration)));
            }
            case PROXY_CLOCK -> {
                long offset = signed(random, 1 + random.nextLong(3_000));
                yield targeted(kind, at, random.nextInt(shape.proxies()), "proxy", 1_000 + random.nextLong(shape.runMillis()),
                        offset, " by " + offset + " ms");
            }
            case NODE_CLOCK -> {
                long offset = signed(random, 1 + random.nextLong(5_000));
                yield targeted(kind, at, random.nextInt(shape.nodes()), "node", 1_000 + random.nextLong(shape.runMillis()),
                        offset, " by " + offset + " ms");
            }
            case SENSOR_CLOCK -> {
                int pick = random.nextInt(20);
                long offset = pick < 12 ? -(500 + random.nextLong(39_501)) // behind: late records
                        : pick < 17 ? 1 + random.nextLong(5_000) // ahead, still accepted
                        : 10 * 60_000; // far ahead: rejected
                yield targeted(kind, at, random.nextInt(shape.sensors()), "sensor", 500 + random.nextLong(9_501), offset,
                        " by " + offset + " ms");
            }
            case CRASH_TERMINAL -> targeted(kind, at, random.nextInt(shape.terminals()), "terminal",
                    200 + random.nextLong(9_801), 0, "");
            default -> throw new IllegalArgumentException("not an occurrence: " + kind);
        };
    }

    private static Fault targeted(FaultKind kind, long at, int target, String role, long duration, long amount,
                                  String detail) {
        return new Fault(kind, at, target, duration, amount, 0, String.format(Locale.ROOT, "%s %s-%d at %s for %s%s",
                kind, role, target, seconds(at), seconds(duration), detail));
    }

    private static long signed(SplittableRandom random, long magnitude) {
        return random.nextBoolean() ? magnitude : -magnitude;
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.2fs", millis / 1000.0);
    }

    /** One line: every fault, in the order they start. */
    String describe() {
        if (faults.isEmpty()) {
            return "no faults";
        }
        StringBuilder line = new StringBuilder();
        for (Fault fault : faults) {
            if (!line.isEmpty()) {
                line.append("; ");
            }
            line.append(fault.description());
        }
        return line.toString();
    }
}
