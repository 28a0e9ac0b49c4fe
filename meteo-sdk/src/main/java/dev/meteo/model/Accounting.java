package dev.meteo.model;

/**
 * The end-to-end accounting identity of a run: every record a sensor sent is in exactly one emitted window, late,
 * rejected, or still inside a window that had not closed when the run stopped.
 */
public record Accounting(long sent, long inWindows, long late, long rejected, long stillOpen) {

    /** {@code sent == inWindows + late + rejected + stillOpen}. */
    public boolean holds() {
        return sent == inWindows + late + rejected + stillOpen;
    }

    @Override
    public String toString() {
        return "sent=" + sent + " inWindows=" + inWindows + " late=" + late + " rejected=" + rejected
                + " stillOpen=" + stillOpen + (holds() ? " (identity holds)" : " (IDENTITY BROKEN)");
    }
}
