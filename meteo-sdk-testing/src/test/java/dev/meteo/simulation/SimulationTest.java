package dev.meteo.simulation;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The deterministic simulation of the core (docs/guarantees.md, "Testing by simulation"): thousands of seeds, each a
 * deployment with its own faults and schedule, each ending with the same checks. A failing seed is printed with its
 * faults; replay it with {@code -Dmeteo.sim.seed=<seed>} (which also prints its trace into this class's Surefire
 * output) or run a range with {@code -Dmeteo.sim.seeds=<first>..<last>}; once fixed, it joins the regression seeds.
 */
class SimulationTest {

    /** CI runs the seeds from here on: a fixed range, so a failure in CI is the same failure on a laptop. */
    static final long FIRST_SEED = 1_000_000;
    /** Each seed about 5 ms of CPU. */
    static final int CI_SEEDS = 2_000;
    /** Seeds whose sensors read every 5-20 ms: hundreds of a sensor's records in flight, overtaking each other. */
    static final int CI_FAST_SENSOR_SEEDS = 100;

    private static final Simulation SIMULATION = Simulation.withDefaults();
    private static AutoCloseable quietRoles;

    @BeforeAll
    static void quietTheRoles() {
        quietRoles = Simulation.quietRoleLogs();
    }

    @AfterAll
    static void restoreTheRolesLogs() throws Exception {
        quietRoles.close();
    }

    /** The CI range, or the seeds asked for with {@code -Dmeteo.sim.seeds=...} or {@code -Dmeteo.sim.seed=...}. */
    private static long[] seedsOfThisRun() {
        String range = System.getProperty("meteo.sim.seeds");
        String one = System.getProperty("meteo.sim.seed");
        if (range != null && !range.isBlank()) {
            return Seeds.parse(range).toArray();
        }
        if (one != null && !one.isBlank()) {
            return Seeds.parse(one).toArray();
        }
        return LongStream.range(FIRST_SEED, FIRST_SEED + CI_SEEDS).toArray();
    }

    @Test
    void everySeedEndsWithEveryRecordCountedOnceAndEveryTerminalHoldingTheSameContiguousWindows() {
        long[] seeds = seedsOfThisRun();
        boolean traced = seeds.length == 1;
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        for (long seed : seeds) {
            SimulationRun run = traced ? SIMULATION.run(seed, System.out::println) : SIMULATION.run(seed);
            if (traced || !run.passed()) {
                System.out.println(run.summary());
            }
            if (!run.passed()) {
                failures.add(run.summary());
            }
        }
        System.out.printf("%d seeds from %d in %.1f s, %d failed%n", seeds.length, seeds[0],
                (System.nanoTime() - started) / 1e9, failures.size());
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + seeds.length + " seeds failed (replay one with "
                + "-Dmeteo.sim.seed=<seed>):\n" + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    }

    @Test
    void everySeedWithSensorsReadingEveryFewMillisecondsPassesToo() {
        Simulation fast = new Simulation(SimulationSettings.defaults().withSensorIntervals(5, 20));
        List<String> failures = new ArrayList<>();
        for (long seed = FIRST_SEED; seed < FIRST_SEED + CI_FAST_SENSOR_SEEDS; seed++) {
            SimulationRun run = fast.run(seed);
            if (!run.passed()) {
                failures.add(run.summary());
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " seeds failed (replay with SimulationMain <seed> "
                + "--sensor-intervals 5..20):\n" + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    }

    /**
     * Every seed that ever failed and was fixed. Seeds replay exactly only with the simulator that found them: each
     * says what it found then; they still run, and must pass.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {
            43, 410, // a terminal took a gap: a refusal the proxy never got (finding 1; the delivery rule modelled since)
            8288, 8820, // the same, with registrations renewed every 2 s modelled
    })
    void regressionSeedsPass(long seed) {
        SIMULATION.check(seed);
    }

    @Test
    void theSameSeedRunsTheSameWay() {
        long seed = FIRST_SEED + 7;
        SimulationRun first = SIMULATION.run(seed);
        SimulationRun second = SIMULATION.run(seed);
        assertEquals(first.digest(), second.digest(), "the trace digest of seed " + seed);
        assertEquals(first, second);
        assertTrue(first.events() > 1_000, "a run of thousands of events: " + first.summary());
        assertNotEquals(first.digest(), SIMULATION.run(seed + 1).digest(), "another seed, another schedule");
    }

    /**
     * Before identities per sensor, a record's identity was kept only as long as its window's statistics. On a store
     * that emulates that design, a compute node paused past the retention (and nothing else) makes the simulation count
     * records twice: it finds the bug that was fixed, and the same seed passes on the store as it is.
     */
    @Test
    void onThePreviousDesignANodePausedPastTheRetentionCountsRecordsTwice() {
        SimulationSettings pausedNodes = SimulationSettings.defaults().withFaults(EnumSet.of(FaultKind.PAUSE_NODE));
        Simulation previousDesign = new Simulation(pausedNodes.withIdentitiesForgottenAtTrim());
        for (long seed = FIRST_SEED; seed < FIRST_SEED + 200; seed++) {
            SimulationRun run = previousDesign.run(seed);
            if (!run.passed()) {
                System.out.println("the previous design fails: " + run.summary());
                assertTrue(run.problems().stream().anyMatch(problem -> problem.contains("counted twice")),
                        run::summary);
                SimulationRun today = new Simulation(pausedNodes).run(seed);
                assertTrue(today.passed(), today::summary);
                return;
            }
        }
        fail("no seed of 200 found the double count of the previous design");
    }

    /** With every fault kind, as CI runs them, the previous design fails within the first few seeds too. */
    @Test
    void onThePreviousDesignTheDefaultMixOfFaultsFindsADoubleCount() {
        Simulation previousDesign = new Simulation(SimulationSettings.defaults().withIdentitiesForgottenAtTrim());
        for (long seed = FIRST_SEED; seed < FIRST_SEED + 50; seed++) {
            SimulationRun run = previousDesign.run(seed);
            if (!run.passed()) {
                System.out.println("the previous design fails: " + run.summary());
                assertTrue(run.problems().stream().anyMatch(problem -> problem.contains("counted twice")),
                        run::summary);
                return;
            }
        }
        fail("no seed of 50 found the double count of the previous design");
    }

    /**
     * An early version of identities per sensor kept 64 ranges per sensor and gave up the lowest hole beyond: under
     * load, with a node held up while the others store a sensor's later records, the holes of records still in flight
     * were given up, and those records, when they arrived, were taken for copies: confirmed, counted nowhere. The end
     * to end tests found it; the simulation finds it too on a store with that limit, and the same seed passes today.
     */
    @Test
    void aStoreThatGivesUpTheHolesOfRecordsInFlightLosesThemAndTheSimulationFindsIt() {
        SimulationSettings heldNodes = SimulationSettings.defaults().withSensorIntervals(5, 20)
                .withFaults(EnumSet.of(FaultKind.PAUSE_NODE, FaultKind.DELAY_DELIVERY));
        Simulation smallLimit = new Simulation(heldNodes.withStoreRangeLimit(64));
        for (long seed = FIRST_SEED; seed < FIRST_SEED + 200; seed++) {
            SimulationRun run = smallLimit.run(seed);
            if (!run.passed()) {
                System.out.println("a store keeping 64 ranges per sensor fails: " + run.summary());
                assertTrue(run.problems().stream().anyMatch(problem -> problem.contains("in no window")), run::summary);
                SimulationRun today = new Simulation(heldNodes).run(seed);
                assertTrue(today.passed(), today::summary);
                return;
            }
        }
        fail("no seed of 200 found the records lost by a store keeping 64 ranges per sensor");
    }

    /**
     * Finding 1 (docs/guarantees.md): today's direct-mode terminal takes a window it refused for a gap when it is
     * offered again, assuming the proxy got its refusal and has nothing to fill the gap with. When the refusal's answer
     * was lost (a call past its deadline) and the proxy does not know the terminal's position yet, the terminal takes a
     * gap the proxy could have filled. Seed 648 shows it; the delivery rule the simulation models by default (the proxy
     * says from which position it sends) passes it.
     */
    @Test
    void todaysTerminalsTakeAGapWhenTheProxyNeverGotTheirRefusal() {
        SimulationSettings slowTerminals = SimulationSettings.defaults().withFaults(
                EnumSet.of(FaultKind.SLOW_TERMINAL, FaultKind.CRASH_TERMINAL, FaultKind.STORE_UNAVAILABLE));
        long seed = 648;
        SimulationRun today = new Simulation(slowTerminals.withTerminalsTakingAGapOnSecondOffer()).run(seed);
        System.out.println("today's terminal rule: " + today.summary());
        assertFalse(today.passed(), () -> "seed " + seed + " no longer finds the gap: the simulator's draws changed. Find "
                + "another with SimulationMain 0..9999 --gap-on-second-offer --faults "
                + "slow-terminal,crash-terminal,store-unavailable and put it here");
        assertTrue(today.problems().stream().anyMatch(problem -> problem.contains("(a gap)")), today::summary);
        SimulationRun declared = new Simulation(slowTerminals).run(seed);
        assertTrue(declared.passed(), declared::summary);
    }
}
