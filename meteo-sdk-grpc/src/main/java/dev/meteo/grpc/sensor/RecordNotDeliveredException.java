package dev.meteo.grpc.sensor;

import dev.meteo.model.RecordId;
import io.grpc.Status;

/** A record the {@link GrpcRecordPublisher} gave up on: retried until its budget ran out, or the publisher closed. */
public final class RecordNotDeliveredException extends RuntimeException {

    private final transient RecordId recordId;

    RecordNotDeliveredException(RecordId recordId, int attempts, Status lastStatus) {
        super("record " + (recordId == null ? "(unknown)" : recordId) + " not delivered after " + attempts
                + " attempts: " + lastStatus.getCode() + " " + lastStatus.getDescription(), lastStatus.asRuntimeException());
        this.recordId = recordId;
    }

    /** The record given up on, or {@code null} when the publisher was closed under it. */
    public RecordId recordId() {
        return recordId;
    }
}
