package dev.meteo.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What RabbitMQ PerfTest printed: its per-interval receive rates and its closing averages. The limit the bench uses is
 * the mean receive rate of the second half of the intervals (PerfTest's own JVM warms up during the first half, and
 * its closing average includes that), falling back to the closing receive average when there are too few intervals.
 *
 * @param intervalReceivedPerS received msg/s of each reporting interval, in order
 * @param sendingAvgPerS       the closing "sending rate avg", or -1 when absent
 * @param receivingAvgPerS     the closing "receiving rate avg", or -1 when absent
 */
record PerfTestSummary(List<Double> intervalReceivedPerS, double sendingAvgPerS, double receivingAvgPerS) {

    private static final Pattern INTERVAL = Pattern.compile("time:? [\\d.]+ ?s, .*?received: (\\d+(?:\\.\\d+)?) msg/s");
    private static final Pattern SENDING_AVG = Pattern.compile("sending rate avg: (\\d+(?:\\.\\d+)?) msg/s");
    private static final Pattern RECEIVING_AVG = Pattern.compile("receiving rate avg: (\\d+(?:\\.\\d+)?) msg/s");

    static PerfTestSummary parse(String output) {
        List<Double> intervals = new ArrayList<>();
        double sending = -1;
        double receiving = -1;
        for (String line : output.split("\\R")) {
            Matcher interval = INTERVAL.matcher(line);
            if (interval.find()) {
                intervals.add(Double.parseDouble(interval.group(1)));
            }
            Matcher send = SENDING_AVG.matcher(line);
            if (send.find()) {
                sending = Double.parseDouble(send.group(1));
            }
            Matcher receive = RECEIVING_AVG.matcher(line);
            if (receive.find()) {
                receiving = Double.parseDouble(receive.group(1));
            }
        }
        return new PerfTestSummary(List.copyOf(intervals), sending, receiving);
    }

    /** Whether PerfTest got as far as its closing summary. */
    boolean complete() {
        return receivingAvgPerS >= 0;
    }

    /** Persistent + confirmed + acked messages per second in steady state; -1 when nothing was parsed. */
    double steadyReceivedPerS() {
        if (intervalReceivedPerS.size() >= 4) {
            List<Double> steady = intervalReceivedPerS.subList(intervalReceivedPerS.size() / 2, intervalReceivedPerS.size());
            return steady.stream().mapToDouble(Double::doubleValue).average().orElse(-1);
        }
        return receivingAvgPerS;
    }

    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("steady_received_per_s", Math.round(steadyReceivedPerS()));
        out.put("sending_avg_per_s", sendingAvgPerS);
        out.put("receiving_avg_per_s", receivingAvgPerS);
        out.put("interval_received_per_s", intervalReceivedPerS);
        return out;
    }
}
