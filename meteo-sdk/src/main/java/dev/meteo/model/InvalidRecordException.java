package dev.meteo.model;

/** A record that cannot be a physical reading. {@link #getMessage()} is the human-readable reason. */
public final class InvalidRecordException extends RuntimeException {

    private final transient RecordId recordId;

    public InvalidRecordException(RecordId recordId, String reason) {
        super(reason);
        this.recordId = recordId;
    }

    /** The rejected record's id (its sensor id may be empty or null: that can be the reason). */
    public RecordId recordId() {
        return recordId;
    }
}
