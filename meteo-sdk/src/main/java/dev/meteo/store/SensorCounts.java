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
        return check(confirmed, failed, 0);
    }

    /**
     * As {@link #check(long, long)} for a sensor some of whose records are in doubt: sent by a process that was killed
     * before it learnt their fate (not confirmed, not failed when it last reported). Each of them may or may not have
     * been classified, so the counts must lie between {@code confirmed} and {@code confirmed + failed + inDoubt}, the
     * records sent. All three are non-negative.
     */
    public String check(long confirmed, long failed, long inDoubt) {
        if (total() < confirmed) {
            return (confirmed - total()) + " confirmed records are in no window, late or rejected (" + this + ")";
        }
        if (total() > confirmed + failed + inDoubt) {
            return (total() - confirmed - failed - inDoubt) + " more records classified than the sensor sent (" + this
                    + ", confirmed " + confirmed + ", failed " + failed + (inDoubt == 0 ? "" : ", in doubt " + inDoubt)
                    + "): some counted twice";
        }
        return null;
    }
}
