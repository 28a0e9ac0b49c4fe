package dev.meteo.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Runs seeds from the command line and prints each failure (seed, problems, faults) and a summary; exit code 1 when a
 * seed failed. {@code SimulationMain SEEDS [--trace] [--faults k1,k2] [--run-seconds N] [--forget-identities-at-trim] [--gap-on-second-offer] [--sensor-intervals MIN..MAX] [--store-range-limit N]}.
 * With the classes built ({@code mvn -B -ntp -q -pl meteo-sdk-testing -am test-compile}):
 *
 * <pre>
 * java -cp meteo-sdk/target/classes:meteo-sdk-testing/target/classes dev.meteo.simulation.SimulationMain 0..99999
 * </pre>
 */
public final class SimulationMain {

    private SimulationMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println("usage: SimulationMain SEEDS [--trace] [--faults k1,k2] [--run-seconds N] "
                    + "[--forget-identities-at-trim] [--gap-on-second-offer] [--sensor-intervals MIN..MAX (ms)] "
                    + "[--store-range-limit N]\n  SEEDS: 42, 1000..1999 or 7,42,1000..1010\n  --trace: every event "
                    + "of each seed, one line each (for one seed)\n  fault kinds: " + FaultKind.all());
            return;
        }
        SimulationSettings settings = SimulationSettings.defaults();
        boolean trace = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--trace" -> trace = true;
                case "--forget-identities-at-trim" -> settings = settings.withIdentitiesForgottenAtTrim();
                case "--gap-on-second-offer" -> settings = settings.withTerminalsTakingAGapOnSecondOffer();
                case "--faults" -> settings = settings.withFaults(kinds(args[++i]));
                case "--run-seconds" -> settings = settings.withSensorsRun(Duration.ofSeconds(Long.parseLong(args[++i])));
                case "--sensor-intervals" -> {
                    String[] bounds = args[++i].split("\\.\\.");
                    settings = settings.withSensorIntervals(Long.parseLong(bounds[0]), Long.parseLong(bounds[1]));
                }
                case "--store-range-limit" -> settings = settings.withStoreRangeLimit(Integer.parseInt(args[++i]));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--help)");
            }
        }
        Simulation simulation = new Simulation(settings);
        List<Long> failed = new ArrayList<>();
        long runs = 0;
        long started = System.nanoTime();
        try (AutoCloseable quiet = Simulation.quietRoleLogs()) {
            for (long seed : Seeds.parse(args[0]).toArray()) {
                SimulationRun run = trace ? simulation.run(seed, System.out::println) : simulation.run(seed);
                runs++;
                if (!run.passed() || trace) {
                    System.out.println(run.summary());
                }
                if (!run.passed()) {
                    failed.add(seed);
                }
            }
        }
        System.out.printf("%d seeds in %.1f s, %d failed%s%n", runs, (System.nanoTime() - started) / 1e9, failed.size(),
                failed.isEmpty() ? "" : ": " + failed);
        if (!failed.isEmpty()) {
            System.exit(1);
        }
    }

    private static Set<FaultKind> kinds(String labels) {
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (String label : labels.split(",")) {
            if (!label.isBlank()) {
                kinds.add(FaultKind.ofLabel(label.trim()));
            }
        }
        return kinds;
    }
}
