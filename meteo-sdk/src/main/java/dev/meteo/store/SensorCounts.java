package dev.meteo.store;

/** How one sensor's records were classified: each identity once, stored in a window, late, or rejected. */
public record SensorCounts(long stored, long late, long rejected) {

    /** Records of this sensor classified at all. */
    public long total() {
        return stored + late + rejected;
    }
}
