package dev.meteo.rabbit.topology;

import com.google.protobuf.Timestamp;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.meteo.model.RecordValidator;
import dev.meteo.model.SensorRecord;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.proto.RawMeteoData;
import dev.meteo.proto.RawPollutionData;
import dev.meteo.proto.Reading;
import dev.meteo.proto.RecordBatch;
import dev.meteo.rabbit.topology.RecordMessages.UndecodableMessageException;
import dev.meteo.testing.Gen;
import dev.meteo.testing.Tries;
import org.junit.jupiter.api.Test;

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
 *
 * <p>Property tests: each runs its property over many seeded random inputs ({@link Tries}, {@link Gen}), the same
 * on every run. A failure names the seed of the input that failed; replay it alone with
 * {@code mvn -B -ntp -pl meteo-sdk-rabbit -am test -Dtest='RecordMessagesPropertyTest#<method>'
 * -Dsurefire.failIfNoSpecifiedTests=false -Dmeteo.seed=<seed>}.
 */
class RecordMessagesPropertyTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    /** A reason goes into a dead letter's header (one AMQP frame) and the store's rejected hash. */
    private static final int MAX_REASON_LENGTH = 500;
    private final RecordValidator validator = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC));

    /** A message as a consumer receives it: no properties at all, or headers, content type and message id; a body. */
    record Message(boolean noProperties, Map<String, Object> headers, String contentType, String messageId,
                   byte[] body) {

        AMQP.BasicProperties properties() {
            return noProperties ? null : new AMQP.BasicProperties.Builder().headers(headers).contentType(contentType)
                    .messageId(messageId).build();
        }
    }

    @Test
    void everyMessageIsARecordThatGetsAVerdictOrUndecodableWithAShortReason() {
        Tries.forAll(1_000, RecordMessagesPropertyTest::messages, message -> {
            SensorRecord record;
            try {
                record = RecordMessages.decode(message.properties(), message.body());
            } catch (UndecodableMessageException undecodable) {
                assertFalse(undecodable.getMessage().isBlank());
                assertTrue(undecodable.getMessage().length() <= MAX_REASON_LENGTH, undecodable.getMessage());
                return;
            } catch (RuntimeException e) {
                fail("decoding threw " + e, e);
                return;
            }
            assertNotNull(record);
            Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> validator.rejection(record));
            verdict.ifPresent(rejection -> assertTrue(rejection.reason().length() <= MAX_REASON_LENGTH));
            if (verdict.isEmpty()) {
                assertDoesNotThrow(() -> record.detectedAt().toEpochMilli());
            }
        });
    }

    /** A batch message as a consumer receives it: the type header, a version header or none, a body. */
    record BatchMessage(Object version, byte[] body) {

        AMQP.BasicProperties properties() {
            Map<String, Object> headers = new HashMap<>(Map.of(RecordMessages.RECORD_TYPE_HEADER, RecordMessages.BATCH));
            if (version != null) {
                headers.put(RecordMessages.BATCH_VERSION_HEADER, version);
            }
            return new AMQP.BasicProperties.Builder().headers(headers).build();
        }
    }

    @Test
    void everyBatchMessageIsReadingsThatEachGetAVerdictOrUndecodableWholeWithAShortReason() {
        Tries.forAll(1_000, RecordMessagesPropertyTest::batchMessages, message -> {
            AMQP.BasicProperties properties = message.properties();
            assertTrue(RecordMessages.isBatch(properties));
            RecordBatch batch;
            try {
                batch = RecordMessages.decodeBatch(properties, message.body());
            } catch (UndecodableMessageException undecodable) {
                assertFalse(undecodable.getMessage().isBlank());
                assertTrue(undecodable.getMessage().length() <= MAX_REASON_LENGTH, undecodable.getMessage());
                return;
            } catch (RuntimeException e) {
                fail("decoding a batch threw " + e, e);
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
        });
    }

    /** A version header (version 1 as an integer or text, any integer, a huge text, any value, or none) and a body. */
    private static BatchMessage batchMessages(Gen gen) {
        Object version = gen.orNull(0.3, () -> gen.oneOf(
                () -> RecordMessages.BATCH_VERSION,
                () -> LongStringHelper.asLongString("1"),
                gen::ints,
                () -> LongStringHelper.asLongString(hugeTypes(gen)),
                () -> headerValues(gen)));
        return new BatchMessage(version, gen.oneOf(() -> batchBodies(gen), () -> batchBodies(gen), () -> bodies(gen)));
    }

    /** A batch of readings: records of either kind (any field values), readings that carry none; or such a batch altered. */
    private static byte[] batchBodies(Gen gen) {
        RecordBatch.Builder batch = RecordBatch.newBuilder();
        for (int i = gen.between(0, 20); i > 0; i--) {
            batch.addReadings(gen.oneOf(
                    () -> Reading.newBuilder().setAir(RawMeteoData.newBuilder().setSensorId(gen.strings(300))
                            .setSequence(gen.longs()).setDetectedAt(timestamps(gen)).setTemperature(gen.readings())
                            .setHumidity(gen.readings())).build(),
                    () -> Reading.newBuilder().setPollution(RawPollutionData.newBuilder().setSensorId(gen.strings(300))
                            .setSequence(gen.longs()).setDetectedAt(timestamps(gen)).setCo2(gen.ints())).build(),
                    Reading::getDefaultInstance));
        }
        byte[] valid = batch.build().toByteArray();
        return gen.chance(0.2) ? gen.mutated(valid) : valid;
    }

    @Test
    void aHugeTypeHeaderIsQuotedOnlyInPartInTheReason() {
        Tries.forAll(50, RecordMessagesPropertyTest::hugeTypes, type -> {
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .headers(Map.of(RecordMessages.RECORD_TYPE_HEADER, LongStringHelper.asLongString(type))).build();
            try {
                RecordMessages.decode(properties, new byte[0]);
                fail("a message of type " + type.length() + " characters was decoded");
            } catch (UndecodableMessageException e) {
                assertTrue(e.getMessage().length() <= MAX_REASON_LENGTH, e.getMessage());
            }
        });
    }

    private static Message messages(Gen gen) {
        boolean noProperties = gen.chance(0.02);
        Map<String, Object> headers = gen.orNull(0.1, () -> {
            Map<String, Object> all = new HashMap<>();
            for (int i = gen.between(0, 4); i > 0; i--) {
                all.put(gen.strings(20), headerValues(gen));
            }
            if (gen.chance(0.8)) {
                all.put(RecordMessages.RECORD_TYPE_HEADER, typeHeaders(gen));
            }
            return all;
        });
        String contentType = gen.orNull(0.3, () -> gen.oneOf(
                () -> gen.of("application/x-protobuf; proto=meteo.v1.RawMeteoData",
                        "application/x-protobuf; proto=meteo.v1.RawPollutionData", "application/x-protobuf; proto=meteo.v1.",
                        "text/plain"),
                () -> "application/x-protobuf; proto=meteo.v1." + gen.strings(200),
                () -> gen.strings(100)));
        String messageId = gen.orNull(0.2, () -> gen.strings(60));
        return new Message(noProperties, headers, contentType, messageId, bodies(gen));
    }

    /**
     * The type header: right (as a String, as a publisher sets it, or a LongString, as a consumer receives it), a
     * sender's text of any length, or not text at all.
     */
    private static Object typeHeaders(Gen gen) {
        if (gen.chance(2.0 / 3)) {
            String type = gen.of(RecordMessages.AIR, RecordMessages.POLLUTION);
            return gen.chance(0.5) ? type : LongStringHelper.asLongString(type);
        }
        return gen.oneOf(() -> gen.strings(50), () -> LongStringHelper.asLongString(hugeTypes(gen)),
                () -> headerValues(gen));
    }

    /** Any AMQP field value: text, bytes, numbers, booleans, dates, decimals, and lists and tables of them. */
    private static Object headerValues(Gen gen) {
        return gen.oneOf(
                () -> scalars(gen),
                () -> gen.list(3, () -> scalars(gen)),
                () -> {
                    Map<String, Object> table = new HashMap<>();
                    for (int i = gen.between(0, 2); i > 0; i--) {
                        table.put(gen.strings(5), scalars(gen));
                    }
                    return table;
                });
    }

    private static Object scalars(Gen gen) {
        return gen.oneOf(
                () -> gen.strings(30),
                () -> LongStringHelper.asLongString(gen.bytes(30)),
                gen::ints,
                gen::longs,
                () -> gen.chance(0.5),
                () -> gen.bytes(30),
                () -> new Date(gen.longs()),
                () -> BigDecimal.valueOf(gen.longs(-100_000, 100_000), 2));
    }

    /** Any bytes, a record's message (as it is, truncated or altered), UTF-8 text, none, or no body at all. */
    private static byte[] bodies(Gen gen) {
        if (gen.chance(0.02)) {
            return null;
        }
        return gen.oneOf(
                () -> gen.bytes(200),
                () -> gen.mutated(RawMeteoData.newBuilder().setSensorId(gen.strings(300)).setSequence(gen.longs())
                        .setDetectedAt(timestamps(gen)).setTemperature(gen.readings()).setHumidity(gen.readings())
                        .build().toByteArray()),
                () -> gen.mutated(RawPollutionData.newBuilder().setSensorId(gen.strings(300)).setSequence(gen.longs())
                        .setDetectedAt(timestamps(gen)).setCo2(gen.ints()).build().toByteArray()),
                () -> gen.strings(50).getBytes(StandardCharsets.UTF_8),
                () -> new byte[0]);
    }

    /** Any instant, any seconds and nanos, and the values of the issue. */
    private static Timestamp timestamps(Gen gen) {
        return gen.oneOf(
                () -> ProtoCodec.timestamp(gen.instants(NOW)),
                () -> Timestamp.newBuilder().setSeconds(gen.longs()).setNanos(gen.ints()).build(),
                () -> Timestamp.newBuilder()
                        .setSeconds(gen.of(1L << 62, -10_000_000_000_000_000L, NOW.getEpochSecond())).build());
    }

    /** A type header of 1 000 to 200 000 characters. */
    private static String hugeTypes(Gen gen) {
        return gen.huge(1_000, 200_000);
    }
}
