package dev.meteo.store;

/**
 * How one sensor's records were classified: each identity once, stored in a window, late, or rejected. Checked per
 * sensor against what the sensor saw ({@link #check}), a loss and a double count cannot cancel out as they can in the
 * totals.
 */
public record SensorCounts(long stored, long late, long rejected) {

    /** No record of this sensor classified. */
    public static final SensorCounts NONE = new SensorCounts(0, 0, 0);

    /** Records of this sensor classified at all. */
    public long total() {
        return stored + late + rejected;
    }

    /**
     * What is wrong with these counts for a sensor whose transport confirmed {@code confirmed} records and failed
     * {@code failed} (a failed record may or may not have been stored), or {@code null} when they agree: every
     * confirmed record is classified once, and nothing is classified that the sensor did not send.
     */
    public String check(long confirmed, long failed) {
        if (total() < confirmed) {
            return (confirmed - total()) + " confirmed records are in no window, late or rejected (" + this + ")";
        }
        if (total() > confirmed + failed) {
            return (total() - confirmed - failed) + " more records classified than the sensor sent (" + this
                    + ", confirmed " + confirmed + ", failed " + failed + "): some counted twice";
        }
        return null;
    }
}
