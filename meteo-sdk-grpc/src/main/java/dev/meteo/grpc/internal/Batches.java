package dev.meteo.grpc.internal;

import dev.meteo.proto.Reading;
import dev.meteo.grpc.proto.StoreOutcome;
import dev.meteo.model.SensorRecord;
import dev.meteo.proto.ProtoCodec;

/** The batched calls' messages ({@code Reading}, outcomes) to and from the SDK's types. */
public final class Batches {

    private Batches() {
    }

    public static Reading reading(SensorRecord record) {
        return ProtoCodec.reading(record);
    }

    /** The record a reading carries, or {@code null} for a reading that carries none. */
    public static SensorRecord record(Reading reading) {
        return ProtoCodec.record(reading);
    }

    public static StoreOutcome outcome(dev.meteo.store.StoreOutcome outcome) {
        return switch (outcome) {
            case STORED -> StoreOutcome.STORE_OUTCOME_STORED;
            case LATE -> StoreOutcome.STORE_OUTCOME_LATE;
            case DUPLICATE -> StoreOutcome.STORE_OUTCOME_DUPLICATE;
        };
    }
}
