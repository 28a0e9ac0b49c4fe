package dev.meteo.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.meteo.model.RecordValidator;
import dev.meteo.model.SensorRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decoding is total: any timestamp, any field values and any bytes give a record (which the validator accepts or
 * rejects with a reason) or, for bytes that are not a message, the parser's {@link InvalidProtocolBufferException},
 * never another exception. What both modes decode goes through here.
 */
class ProtoCodecProperties {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final RecordValidator validator = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC));

    @Property(tries = 1_000)
    void anyTimestampDecodesToTheInstantItNamesOrSaturatesAtTheEnds(@ForAll long seconds, @ForAll int nanos) {
        Instant decoded = assertDoesNotThrow(() ->
                ProtoCodec.instant(Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build()));
        boolean inRange = seconds > Instant.MIN.getEpochSecond() && seconds < Instant.MAX.getEpochSecond();
        if (inRange) {
            assertEquals(Instant.ofEpochSecond(seconds, nanos), decoded);
        } else if (seconds > Instant.MAX.getEpochSecond()) {
            assertEquals(Instant.MAX, decoded);
        } else if (seconds < Instant.MIN.getEpochSecond()) {
            assertEquals(Instant.MIN, decoded);
        }
    }

    @Property(tries = 500)
    void anyAirMessageDecodesToARecordThatGetsAVerdict(@ForAll("airMessages") RawMeteoData message) {
        assertVerdict(assertDoesNotThrow(() -> ProtoCodec.fromProto(message)));
    }

    @Property(tries = 500)
    void anyPollutionMessageDecodesToARecordThatGetsAVerdict(@ForAll("pollutionMessages") RawPollutionData message) {
        assertVerdict(assertDoesNotThrow(() -> ProtoCodec.fromProto(message)));
    }

    @Property(tries = 1_000)
    void anyBytesAreNotAMessageOrDecodeToARecordThatGetsAVerdict(@ForAll byte[] bytes) {
        try {
            assertVerdict(ProtoCodec.fromProto(RawMeteoData.parseFrom(bytes)));
        } catch (InvalidProtocolBufferException notAMessage) {
            assertFalse(String.valueOf(notAMessage.getMessage()).isBlank());
        }
        try {
            assertVerdict(ProtoCodec.fromProto(RawPollutionData.parseFrom(bytes)));
        } catch (InvalidProtocolBufferException notAMessage) {
            assertFalse(String.valueOf(notAMessage.getMessage()).isBlank());
        }
    }

    @Property(tries = 300)
    void aRecordTheValidatorAcceptsSurvivesTheRoundTrip(@ForAll("airMessages") RawMeteoData message) throws Exception {
        // as a receiver sees it: off the wire, where text is UTF-8 (a Java string with an unpaired surrogate is not)
        SensorRecord record = ProtoCodec.fromProto(RawMeteoData.parseFrom(message.toByteArray()));
        if (validator.rejection(record).isEmpty()) {
            assertEquals(record, ProtoCodec.fromProto(RawMeteoData.parseFrom(ProtoCodec.encode(record))));
        }
    }

    private void assertVerdict(SensorRecord record) {
        Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> validator.rejection(record));
        verdict.ifPresent(rejection -> assertTrue(RecordValidator.Rejection.FIELDS.contains(rejection.field())));
        if (verdict.isEmpty()) {
            assertDoesNotThrow(() -> record.detectedAt().toEpochMilli());
        }
    }

    @Provide
    Arbitrary<RawMeteoData> airMessages() {
        return Combinators.combine(sensorIds(), Arbitraries.longs(), timestamps(), doubles(), doubles())
                .as((id, sequence, at, temperature, humidity) -> {
                    RawMeteoData.Builder message = RawMeteoData.newBuilder().setSensorId(id).setSequence(sequence)
                            .setTemperature(temperature).setHumidity(humidity);
                    return (at == null ? message : message.setDetectedAt(at)).build();
                });
    }

    @Provide
    Arbitrary<RawPollutionData> pollutionMessages() {
        return Combinators.combine(sensorIds(), Arbitraries.longs(), timestamps(), Arbitraries.integers())
                .as((id, sequence, at, co2) -> {
                    RawPollutionData.Builder message = RawPollutionData.newBuilder().setSensorId(id)
                            .setSequence(sequence).setCo2(co2);
                    return (at == null ? message : message.setDetectedAt(at)).build();
                });
    }

    private static Arbitrary<String> sensorIds() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMaxLength(30),
                Arbitraries.strings().all().ofMaxLength(300),
                Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                        Arbitraries.integers().between(26, 2_000)).as(String::repeat));
    }

    /** Absent, near now, any seconds and nanos (invalid nanos included), and the values of the issue. */
    private static Arbitrary<Timestamp> timestamps() {
        Arbitrary<Timestamp> nearNow = Arbitraries.longs().between(-3_000_000_000L, 1_000).map(offset ->
                ProtoCodec.timestamp(NOW.plusSeconds(offset)));
        Arbitrary<Timestamp> anything = Combinators.combine(Arbitraries.longs(), Arbitraries.integers())
                .as((seconds, nanos) -> Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build());
        Arbitrary<Timestamp> fromTheIssue = Arbitraries.of(1L << 62, -10_000_000_000_000_000L, Long.MAX_VALUE,
                Long.MIN_VALUE).map(seconds -> Timestamp.newBuilder().setSeconds(seconds).build());
        return Arbitraries.oneOf(nearNow, anything, fromTheIssue).injectNull(0.05);
    }

    private static Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(-120, 120),
                Arbitraries.doubles().withStandardSpecialValues());
    }
}
