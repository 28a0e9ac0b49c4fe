package dev.meteo.rabbit.topology;

import com.google.protobuf.Timestamp;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.meteo.model.RecordValidator;
import dev.meteo.model.SensorRecord;
import dev.meteo.proto.RawMeteoData;
import dev.meteo.proto.RawPollutionData;
import dev.meteo.proto.Reading;
import dev.meteo.proto.RecordBatch;
import dev.meteo.rabbit.topology.RecordMessages.UndecodableMessageException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whatever a message on the work queue holds (any headers and values, any content type, any body), decoding gives
 * a record, which the compute node accepts or rejects with a reason, or an {@link UndecodableMessageException} whose
 * reason is short enough for a dead letter's header: never another exception, which would reach the consumer.
 */
class RecordMessagesProperties {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    /** A reason goes into a dead letter's header (one AMQP frame) and the store's rejected hash. */
    private static final int MAX_REASON_LENGTH = 500;
    private final RecordValidator validator = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC));

    @Property(tries = 1_000)
    void everyMessageIsARecordThatGetsAVerdictOrUndecodableWithAShortReason(
            @ForAll("properties") AMQP.BasicProperties properties, @ForAll("bodies") byte[] body) {
        SensorRecord record;
        try {
            record = RecordMessages.decode(properties, body);
        } catch (UndecodableMessageException undecodable) {
            assertFalse(undecodable.getMessage().isBlank());
            assertTrue(undecodable.getMessage().length() <= MAX_REASON_LENGTH, undecodable.getMessage());
            return;
        } catch (RuntimeException e) {
            fail("decoding threw " + e + " for " + properties);
            return;
        }
        assertNotNull(record);
        Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> validator.rejection(record));
        verdict.ifPresent(rejection -> assertTrue(rejection.reason().length() <= MAX_REASON_LENGTH));
        if (verdict.isEmpty()) {
            assertDoesNotThrow(() -> record.detectedAt().toEpochMilli());
        }
    }

    @Provide
    Arbitrary<AMQP.BasicProperties> properties() {
        Arbitrary<Map<String, Object>> headers = Combinators.combine(
                        Arbitraries.maps(Arbitraries.strings().ofMaxLength(20), headerValues()).ofMaxSize(4),
                        typeHeaders())
                .as((others, type) -> {
                    Map<String, Object> all = new HashMap<>(others);
                    type.ifPresent(value -> all.put(RecordMessages.RECORD_TYPE_HEADER, value));
                    return all;
                });
        Arbitrary<String> contentTypes = Arbitraries.oneOf(
                Arbitraries.of("application/x-protobuf; proto=meteo.v1.RawMeteoData",
                        "application/x-protobuf; proto=meteo.v1.RawPollutionData", "application/x-protobuf; proto=meteo.v1.",
                        "text/plain"),
                Arbitraries.strings().ofMaxLength(200).map(suffix -> "application/x-protobuf; proto=meteo.v1." + suffix),
                Arbitraries.strings().all().ofMaxLength(100))
                .injectNull(0.3);
        Arbitrary<String> messageIds = Arbitraries.strings().ofMaxLength(60).injectNull(0.2);
        return Combinators.combine(headers.injectNull(0.1), contentTypes, messageIds)
                .as((h, contentType, messageId) -> new AMQP.BasicProperties.Builder().headers(h)
                        .contentType(contentType).messageId(messageId).build())
                .injectNull(0.02);
    }

    /** The type header: absent, right, a sender's text of any length, or not text at all. */
    private static Arbitrary<Optional<Object>> typeHeaders() {
        Arbitrary<String> types = Arbitraries.of(RecordMessages.AIR, RecordMessages.POLLUTION);
        // a String as a publisher sets it, a LongString as a consumer receives it
        Arbitrary<Object> known = Arbitraries.oneOf(types.map(type -> type), types.map(LongStringHelper::asLongString));
        Arbitrary<Object> other = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(50).map(s -> (Object) s),
                hugeTypes().map(LongStringHelper::asLongString),
                headerValues());
        return Arbitraries.oneOf(known, known, other).optional(0.8);
    }

    private static Arbitrary<Object> headerValues() {
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(30).map(s -> s),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(30).map(LongStringHelper::asLongString),
                Arbitraries.integers().map(i -> i),
                Arbitraries.longs().map(l -> l),
                Arbitraries.of(true, false).map(b -> b),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(30).map(b -> b),
                Arbitraries.longs().map(millis -> new Date(millis)),
                Arbitraries.bigDecimals().ofScale(2).between(BigDecimal.valueOf(-1_000), BigDecimal.valueOf(1_000))
                        .map(d -> d));
        return Arbitraries.oneOf(scalars, scalars.list().ofMaxSize(3).map(list -> list),
                Arbitraries.maps(Arbitraries.strings().ofMaxLength(5), scalars).ofMaxSize(2).map(map -> map));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> anyBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<Timestamp> timestamps = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.longs(), Arbitraries.integers())
                        .as((seconds, nanos) -> Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build()),
                Arbitraries.of(1L << 62, -10_000_000_000_000_000L, NOW.getEpochSecond())
                        .map(seconds -> Timestamp.newBuilder().setSeconds(seconds).build()));
        Arbitrary<Double> doubles = Arbitraries.oneOf(Arbitraries.doubles().between(-120, 120),
                Arbitraries.doubles().withStandardSpecialValues());
        Arbitrary<byte[]> air = Combinators.combine(Arbitraries.strings().ofMaxLength(300), Arbitraries.longs(),
                        timestamps, doubles, doubles)
                .as((id, sequence, at, temperature, humidity) -> RawMeteoData.newBuilder().setSensorId(id)
                        .setSequence(sequence).setDetectedAt(at).setTemperature(temperature).setHumidity(humidity)
                        .build().toByteArray());
        Arbitrary<byte[]> pollution = Combinators.combine(Arbitraries.strings().ofMaxLength(300), Arbitraries.longs(),
                        timestamps, Arbitraries.integers())
                .as((id, sequence, at, co2) -> RawPollutionData.newBuilder().setSensorId(id).setSequence(sequence)
                        .setDetectedAt(at).setCo2(co2).build().toByteArray());
        Arbitrary<byte[]> text = Arbitraries.strings().ofMaxLength(50).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(anyBytes, air, pollution, text, Arbitraries.just(new byte[0])).injectNull(0.02);
    }

    @Property(tries = 1_000)
    void everyBatchMessageIsReadingsThatEachGetAVerdictOrUndecodableWholeWithAShortReason(
            @ForAll("batchVersions") Optional<Object> version, @ForAll("batchBodies") byte[] body) {
        Map<String, Object> headers = new HashMap<>(Map.of(RecordMessages.RECORD_TYPE_HEADER, RecordMessages.BATCH));
        version.ifPresent(value -> headers.put(RecordMessages.BATCH_VERSION_HEADER, value));
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().headers(headers).build();
        assertTrue(RecordMessages.isBatch(properties));
        RecordBatch batch;
        try {
            batch = RecordMessages.decodeBatch(properties, body);
        } catch (UndecodableMessageException undecodable) {
            assertFalse(undecodable.getMessage().isBlank());
            assertTrue(undecodable.getMessage().length() <= MAX_REASON_LENGTH, undecodable.getMessage());
            return;
        } catch (RuntimeException e) {
            fail("decoding a batch threw " + e);
            return;
        }
        for (Reading reading : batch.getReadingsList()) {
            SensorRecord record = assertDoesNotThrow(() -> RecordMessages.record(reading));
            assertNotNull(assertDoesNotThrow(() -> RecordMessages.properties(reading, "batch", 0)));
            assertNotNull(assertDoesNotThrow(() -> RecordMessages.body(reading)));
            if (record != null) {
                Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> validator.rejection(record));
                verdict.ifPresent(rejection -> assertTrue(rejection.reason().length() <= MAX_REASON_LENGTH));
            }
        }
    }

    @Provide
    Arbitrary<Optional<Object>> batchVersions() {
        Arbitrary<Object> versions = Arbitraries.oneOf(Arbitraries.just(RecordMessages.BATCH_VERSION),
                Arbitraries.just(LongStringHelper.asLongString("1")), Arbitraries.integers().map(i -> i),
                hugeTypes().map(LongStringHelper::asLongString), headerValues());
        return versions.optional(0.7);
    }

    @Provide
    Arbitrary<byte[]> batchBodies() {
        Arbitrary<Reading> readings = bodies().map(bytes -> {
            try {
                return Reading.newBuilder().setAir(RawMeteoData.parseFrom(bytes == null ? new byte[0] : bytes)).build();
            } catch (Exception notAir) {
                return Reading.getDefaultInstance(); // a reading that carries no record
            }
        });
        Arbitrary<byte[]> batches = readings.list().ofMaxSize(20)
                .map(list -> RecordBatch.newBuilder().addAllReadings(list).build().toByteArray());
        return Arbitraries.oneOf(batches, batches, bodies());
    }

    @Property(tries = 50)
    void aHugeTypeHeaderIsQuotedOnlyInPartInTheReason(@ForAll("hugeTypes") String type) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .headers(Map.of(RecordMessages.RECORD_TYPE_HEADER, LongStringHelper.asLongString(type))).build();
        try {
            RecordMessages.decode(properties, new byte[0]);
            fail("a message of type " + type.length() + " characters was decoded");
        } catch (UndecodableMessageException e) {
            assertTrue(e.getMessage().length() <= MAX_REASON_LENGTH, e.getMessage());
        }
    }

    @Provide
    static Arbitrary<String> hugeTypes() {
        return Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                Arbitraries.integers().between(1_000, 20_000)).as(String::repeat);
    }
}
