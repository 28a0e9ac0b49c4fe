package dev.meteo.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The sensor processes of one pipeline run: how many, how many sensors each runs ({@code meteo sensor --count}), at
 * what interval, and how their records travel in direct mode.
 *
 * @param label       the run's name in the results ({@code grpc}, {@code grpc_batch}, {@code rabbit}, ...)
 * @param processes   sensor processes, alternately air and pollution
 * @param perProcess  sensors in each process; above 1 they run as a fleet on a shared schedule
 * @param interval    each sensor's interval, as {@code meteo sensor --interval} takes it; {@code 0} is full speed
 * @param maxInFlight each sensor's bound on records sent and not yet confirmed
 * @param ingest      {@code unary} or {@code batch}, or {@code null} for the sensor's default (batch with a fleet)
 * @param batchSize   direct batches: records per call at most ({@code meteo sensor --batch-size}); an indirect fleet's
 *                    messages hold up to {@value #DEFAULT_BATCH_SIZE} records whatever this says
 */
record SensorPlan(String label, int processes, int perProcess, String interval, int maxInFlight, String ingest,
                  int batchSize) {

    /** {@code meteo sensor --batch-size}'s default, and the records an indirect fleet's message holds at most. */
    static final int DEFAULT_BATCH_SIZE = 500;

    SensorPlan(String label, int processes, int perProcess, String interval, int maxInFlight, String ingest) {
        this(label, processes, perProcess, interval, maxInFlight, ingest, DEFAULT_BATCH_SIZE);
    }

    boolean batched() {
        return "batch".equals(ingest) || (ingest == null && perProcess > 1);
    }

    boolean fullSpeed() {
        return interval.equals("0");
    }

    int sensors() {
        return processes * perProcess;
    }

    /** Process {@code i} (from 1): its name and the sensor flags it needs besides the deployment's. */
    List<String> arguments(int i) {
        boolean air = i % 2 == 1;
        List<String> args = new ArrayList<>(List.of("--type=" + (air ? "air" : "pollution"), "--id=" + name(i),
                "--interval=" + interval, "--max-in-flight=" + maxInFlight));
        if (perProcess > 1) {
            args.add("--count=" + perProcess);
        }
        if (ingest != null) {
            args.add("--ingest=" + ingest);
        }
        if (batched() && batchSize != DEFAULT_BATCH_SIZE) {
            args.add("--batch-size=" + batchSize);
        }
        return args;
    }

    String name(int i) {
        return (i % 2 == 1 ? "air-" : "pollution-") + i;
    }
}
