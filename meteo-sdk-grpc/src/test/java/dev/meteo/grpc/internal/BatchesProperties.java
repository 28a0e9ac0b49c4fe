package dev.meteo.grpc.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.meteo.proto.Reading;
import dev.meteo.proto.RecordBatch;
import dev.meteo.model.RecordValidator;
import dev.meteo.model.SensorRecord;
import dev.meteo.proto.RawMeteoData;
import dev.meteo.proto.RawPollutionData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A compute server's batch decoding is total: each reading of any batch (any field values, or any bytes the gRPC
 * runtime parsed as a batch) is a record the validator judges on its own, or no record at all; nothing throws, so one
 * reading never fails its batch.
 */
class BatchesProperties {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final RecordValidator validator = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC));

    @Property(tries = 300)
    void everyReadingOfABatchIsARecordThatGetsAVerdictOrNoRecord(@ForAll("batches") RecordBatch batch) {
        for (Reading reading : batch.getReadingsList()) {
            assertVerdict(reading);
        }
    }

    @Property(tries = 1_000)
    void anyBytesParsedAsABatchDecodeReadingByReading(@ForAll byte[] bytes) {
        RecordBatch batch;
        try {
            batch = RecordBatch.parseFrom(bytes);
        } catch (InvalidProtocolBufferException notABatch) {
            return; // the gRPC runtime answers such a call INTERNAL before any of our code runs
        }
        for (Reading reading : batch.getReadingsList()) {
            assertVerdict(reading);
        }
    }

    private void assertVerdict(Reading reading) {
        SensorRecord record = assertDoesNotThrow(() -> Batches.record(reading));
        if (reading.getReadingCase() == Reading.ReadingCase.READING_NOT_SET) {
            assertNull(record);
            return;
        }
        var verdict = assertDoesNotThrow(() -> validator.rejection(record));
        if (verdict.isEmpty()) {
            assertDoesNotThrow(() -> record.detectedAt().toEpochMilli());
        } else {
            assertTrue(RecordValidator.Rejection.FIELDS.contains(verdict.get().field()), verdict.get().toString());
        }
    }

    @Provide
    Arbitrary<RecordBatch> batches() {
        return readings().list().ofMaxSize(20).map(list -> RecordBatch.newBuilder().addAllReadings(list).build());
    }

    private static Arbitrary<Reading> readings() {
        Arbitrary<Timestamp> timestamps = Arbitraries.oneOf(
                Arbitraries.longs().between(-1_000_000_000L, 1_000).map(offset ->
                        Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() + offset).build()),
                Combinators.combine(Arbitraries.longs(), Arbitraries.integers())
                        .as((seconds, nanos) -> Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build()),
                Arbitraries.of(1L << 62, -10_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE)
                        .map(seconds -> Timestamp.newBuilder().setSeconds(seconds).build()));
        Arbitrary<Double> doubles = Arbitraries.oneOf(Arbitraries.doubles().between(-120, 120),
                Arbitraries.doubles().withStandardSpecialValues());
        Arbitrary<String> ids = Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMaxLength(20),
                Arbitraries.strings().ofMaxLength(300));
        Arbitrary<Reading> air = Combinators.combine(ids, Arbitraries.longs(), timestamps.injectNull(0.05), doubles, doubles)
                .as((id, sequence, at, temperature, humidity) -> {
                    RawMeteoData.Builder message = RawMeteoData.newBuilder().setSensorId(id).setSequence(sequence)
                            .setTemperature(temperature).setHumidity(humidity);
                    return Reading.newBuilder().setAir(at == null ? message : message.setDetectedAt(at)).build();
                });
        Arbitrary<Reading> pollution = Combinators.combine(ids, Arbitraries.longs(), timestamps.injectNull(0.05),
                        Arbitraries.integers())
                .as((id, sequence, at, co2) -> {
                    RawPollutionData.Builder message = RawPollutionData.newBuilder().setSensorId(id)
                            .setSequence(sequence).setCo2(co2);
                    return Reading.newBuilder().setPollution(at == null ? message : message.setDetectedAt(at)).build();
                });
        return Arbitraries.frequencyOf(Tuple.of(5, air), Tuple.of(5, pollution),
                Tuple.of(1, Arbitraries.just(Reading.getDefaultInstance())));
    }
}
