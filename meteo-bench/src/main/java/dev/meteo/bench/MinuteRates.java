package dev.meteo.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A long run's stored rate minute by minute, from its one-second samples: does the rate hold, or does it fall as the
 * store grows? The last minute's rate over the first's; a run holds its rate when that share is at least
 * {@link #SUSTAINED}.
 */
final class MinuteRates {

    /** The share of its first minute's rate a run's last minute must keep (the goal). */
    static final double SUSTAINED = 0.9;

    private MinuteRates() {
    }

    /**
     * The mean of each whole minute of one-second samples, in order; a run shorter than a minute gives the mean of what
     * it has as its only minute, and the seconds after the last whole minute are left out (a minute is compared with a
     * minute).
     */
    static List<Double> perMinute(List<? extends Number> perSecond) {
        List<Double> minutes = new ArrayList<>();
        if (perSecond.size() < 60) {
            if (!perSecond.isEmpty()) {
                minutes.add(mean(perSecond));
            }
            return minutes;
        }
        for (int from = 0; from + 60 <= perSecond.size(); from += 60) {
            minutes.add(mean(perSecond.subList(from, from + 60)));
        }
        return minutes;
    }

    /** The last minute's rate over the first's, 3 decimals; null with fewer than two minutes or a first minute of 0. */
    static Double lastToFirst(List<Double> minutes) {
        if (minutes.size() < 2 || minutes.get(0) <= 0) {
            return null;
        }
        return Math.round(minutes.get(minutes.size() - 1) / minutes.get(0) * 1000) / 1000.0;
    }

    /** {"per_minute_stored_per_s", "last_to_first_minute", "sustained" (null without two minutes), "sustained_means"}. */
    static Map<String, Object> summary(List<? extends Number> perSecond) {
        List<Double> minutes = perMinute(perSecond);
        Double share = lastToFirst(minutes);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("per_minute_stored_per_s", minutes);
        out.put("last_to_first_minute", share);
        out.put("sustained", share == null ? null : share >= SUSTAINED);
        out.put("sustained_means", "the last whole minute's mean stored rate is at least " + Math.round(SUSTAINED * 100)
                + " % of the first's");
        return out;
    }

    private static double mean(List<? extends Number> values) {
        return Math.round(values.stream().mapToDouble(Number::doubleValue).average().orElse(0));
    }
}
