package dev.meteo.grpc.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.meteo.proto.Reading;
import dev.meteo.proto.RecordBatch;
import dev.meteo.model.RecordValidator;
import dev.meteo.model.SensorRecord;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.proto.RawMeteoData;
import dev.meteo.proto.RawPollutionData;
import dev.meteo.testing.Gen;
import dev.meteo.testing.Tries;
import org.junit.jupiter.api.Test;

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
 *
 * <p>Property tests: each runs its property over many seeded random inputs ({@link Tries}, {@link Gen}), the same
 * on every run. A failure names the seed of the input that failed; replay it alone with
 * {@code mvn -B -ntp -pl meteo-sdk-grpc -am test -Dtest='BatchesPropertyTest#<method>'
 * -Dsurefire.failIfNoSpecifiedTests=false -Dmeteo.seed=<seed>}.
 */
class BatchesPropertyTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final RecordValidator validator = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void everyReadingOfABatchIsARecordThatGetsAVerdictOrNoRecord() {
        Tries.forAll(300, BatchesPropertyTest::batches, batch -> {
            for (Reading reading : batch.getReadingsList()) {
                assertVerdict(reading);
            }
        });
    }

    @Test
    void anyBytesParsedAsABatchDecodeReadingByReading() {
        Tries.forAll(1_000, gen -> gen.oneOf(() -> gen.bytes(300), () -> gen.mutated(batches(gen).toByteArray())),
                bytes -> {
                    RecordBatch batch;
                    try {
                        batch = RecordBatch.parseFrom(bytes);
                    } catch (InvalidProtocolBufferException notABatch) {
                        return; // the gRPC runtime answers such a call INTERNAL before any of our code runs
                    }
                    for (Reading reading : batch.getReadingsList()) {
                        assertVerdict(reading);
                    }
                });
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

    private static RecordBatch batches(Gen gen) {
        return RecordBatch.newBuilder().addAllReadings(gen.list(20, () -> readings(gen))).build();
    }

    /** Air and pollution readings as likely, and now and then one that carries neither. */
    private static Reading readings(Gen gen) {
        int which = gen.between(0, 10);
        if (which == 10) {
            return Reading.getDefaultInstance();
        }
        Timestamp at = timestamps(gen);
        if (which < 5) {
            RawMeteoData.Builder message = RawMeteoData.newBuilder().setSensorId(sensorIds(gen))
                    .setSequence(gen.longs()).setTemperature(gen.readings()).setHumidity(gen.readings());
            return Reading.newBuilder().setAir(at == null ? message : message.setDetectedAt(at)).build();
        }
        RawPollutionData.Builder message = RawPollutionData.newBuilder().setSensorId(sensorIds(gen))
                .setSequence(gen.longs()).setCo2(gen.ints());
        return Reading.newBuilder().setPollution(at == null ? message : message.setDetectedAt(at)).build();
    }

    private static String sensorIds(Gen gen) {
        return gen.oneOf(() -> gen.alphanumeric(0, 20, ""), () -> gen.strings(300));
    }

    /**
     * Absent, near now, any instant ({@link Gen#instants}: its ends, epoch milliseconds' and the validator's bounds
     * among its edges), any seconds and nanos, and the values of the issue.
     */
    private static Timestamp timestamps(Gen gen) {
        if (gen.chance(0.05)) {
            return null;
        }
        return gen.oneOf(
                () -> Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() + gen.longs(-1_000_000_000L, 1_000)).build(),
                () -> ProtoCodec.timestamp(gen.instants(NOW)),
                () -> Timestamp.newBuilder().setSeconds(gen.longs()).setNanos(gen.ints()).build(),
                () -> Timestamp.newBuilder()
                        .setSeconds(gen.of(1L << 62, -10_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE))
                        .build());
    }
}
