package dev.meteo.model;

import java.time.Instant;

/** A processed record: the coefficient in [0, 1] of one kind, with the identity and detection time of its record. */
public record Coefficient(CoefficientKind kind, RecordId recordId, Instant detectedAt, double value) {
}
