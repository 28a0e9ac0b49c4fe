package dev.meteo.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ceilings of the stages one path crosses (a relay hop, the broker under PerfTest, the Redis store on its own),
 * each in records/s and measured in the same run, and the pipeline's stored rate as a share of the lowest: the stage
 * that bounds the path. A stage not measured (null, or not positive) is left out of the minimum.
 */
final class StageCeilings {

    private StageCeilings() {
    }

    /**
     * {"ceilings_per_s": {stage: records/s or null}, "lowest_ceiling": stage or null, "lowest_ceiling_per_s",
     * "ratio_to_lowest_ceiling": storedPerS / the lowest, 3 decimals, or null when no stage was measured}.
     */
    static Map<String, Object> summary(Object storedPerS, Map<String, ? extends Number> ceilingsPerS) {
        String lowest = null;
        double lowestPerS = Double.MAX_VALUE;
        Map<String, Object> ceilings = new LinkedHashMap<>();
        for (Map.Entry<String, ? extends Number> stage : ceilingsPerS.entrySet()) {
            Number perS = stage.getValue();
            ceilings.put(stage.getKey(), perS == null ? null : Math.round(perS.doubleValue()));
            if (perS != null && perS.doubleValue() > 0 && perS.doubleValue() < lowestPerS) {
                lowest = stage.getKey();
                lowestPerS = perS.doubleValue();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ceilings_per_s", ceilings);
        out.put("lowest_ceiling", lowest);
        out.put("lowest_ceiling_per_s", lowest == null ? null : Math.round(lowestPerS));
        out.put("ratio_to_lowest_ceiling", lowest == null ? null : ThroughputCommand.ratio(storedPerS, lowestPerS));
        return out;
    }
}
