package dev.meteo.store;

/** What storing one coefficient did. */
public enum StoreOutcome {
    /** Stored in its window, which was still open. */
    STORED,
    /** Stored, but its window had already closed: counted as late, never changes an emitted window. */
    LATE,
    /** The same record (same identity) was stored before: nothing changed. */
    DUPLICATE
}
