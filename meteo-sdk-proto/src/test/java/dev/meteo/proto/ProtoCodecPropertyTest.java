package dev.meteo.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.meteo.model.RecordValidator;
import dev.meteo.model.SensorRecord;
import dev.meteo.testing.Gen;
import dev.meteo.testing.Tries;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
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
 *
 * <p>Property tests: each runs its property over many seeded random inputs ({@link Tries}, {@link Gen}), the same
 * on every run. A failure names the seed of the input that failed; replay it alone with
 * {@code mvn -B -ntp -pl meteo-sdk-proto -am test -Dtest='ProtoCodecPropertyTest#<method>'
 * -Dsurefire.failIfNoSpecifiedTests=false -Dmeteo.seed=<seed>}.
 */
class ProtoCodecPropertyTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000);
    private final RecordValidator validator = new RecordValidator(Clock.fixed(NOW, ZoneOffset.UTC));

    record SecondsAndNanos(long seconds, int nanos) {
    }

    /**
     * The instant a timestamp names is {@code seconds * 10^9 + nanos} nanoseconds from the epoch: nanos outside
     * 0..999,999,999 carry into the seconds, so seconds just beyond {@link Instant#MAX} with negative nanos name an
     * instant (and seconds just within it with large nanos do not). Computed exactly, here, in {@link BigInteger}.
     */
    @Test
    void anyTimestampDecodesToTheInstantItNamesOrSaturatesAtTheEnds() {
        Tries.forAll(1_000, gen -> new SecondsAndNanos(gen.longs(), gen.ints()), input -> {
            Instant decoded = assertDoesNotThrow(() -> ProtoCodec.instant(
                    Timestamp.newBuilder().setSeconds(input.seconds()).setNanos(input.nanos()).build()));
            BigInteger named = BigInteger.valueOf(input.seconds()).multiply(BILLION).add(BigInteger.valueOf(input.nanos()));
            if (named.compareTo(nanosSinceEpoch(Instant.MAX)) > 0) {
                assertEquals(Instant.MAX, decoded);
            } else if (named.compareTo(nanosSinceEpoch(Instant.MIN)) < 0) {
                assertEquals(Instant.MIN, decoded);
            } else {
                BigInteger[] secondsAndNanos = named.divideAndRemainder(BILLION);
                BigInteger seconds = secondsAndNanos[1].signum() < 0 ? secondsAndNanos[0].subtract(BigInteger.ONE)
                        : secondsAndNanos[0];
                assertEquals(Instant.ofEpochSecond(seconds.longValueExact(),
                        named.subtract(seconds.multiply(BILLION)).longValueExact()), decoded);
            }
        });
    }

    private static BigInteger nanosSinceEpoch(Instant instant) {
        return BigInteger.valueOf(instant.getEpochSecond()).multiply(BILLION).add(BigInteger.valueOf(instant.getNano()));
    }

    @Test
    void anyAirMessageDecodesToARecordThatGetsAVerdict() {
        Tries.forAll(500, ProtoCodecPropertyTest::airMessages,
                message -> assertVerdict(assertDoesNotThrow(() -> ProtoCodec.fromProto(message))));
    }

    @Test
    void anyPollutionMessageDecodesToARecordThatGetsAVerdict() {
        Tries.forAll(500, ProtoCodecPropertyTest::pollutionMessages,
                message -> assertVerdict(assertDoesNotThrow(() -> ProtoCodec.fromProto(message))));
    }

    @Test
    void anyBytesAreNotAMessageOrDecodeToARecordThatGetsAVerdict() {
        Tries.forAll(1_000, ProtoCodecPropertyTest::bytes, bytes -> {
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
        });
    }

    @Test
    void aRecordTheValidatorAcceptsSurvivesTheRoundTrip() {
        Tries.forAll(300, ProtoCodecPropertyTest::airMessages, message -> {
            // as a receiver sees it: off the wire, where text is UTF-8 (a Java string with an unpaired surrogate is not)
            SensorRecord record = ProtoCodec.fromProto(RawMeteoData.parseFrom(message.toByteArray()));
            if (validator.rejection(record).isEmpty()) {
                assertEquals(record, ProtoCodec.fromProto(RawMeteoData.parseFrom(ProtoCodec.encode(record))));
            }
        });
    }

    private void assertVerdict(SensorRecord record) {
        Optional<RecordValidator.Rejection> verdict = assertDoesNotThrow(() -> validator.rejection(record));
        verdict.ifPresent(rejection -> assertTrue(RecordValidator.Rejection.FIELDS.contains(rejection.field())));
        if (verdict.isEmpty()) {
            assertDoesNotThrow(() -> record.detectedAt().toEpochMilli());
        }
    }

    private static RawMeteoData airMessages(Gen gen) {
        RawMeteoData.Builder message = RawMeteoData.newBuilder().setSensorId(sensorIds(gen)).setSequence(gen.longs())
                .setTemperature(gen.readings()).setHumidity(gen.readings());
        Timestamp at = timestamps(gen);
        return (at == null ? message : message.setDetectedAt(at)).build();
    }

    private static RawPollutionData pollutionMessages(Gen gen) {
        RawPollutionData.Builder message = RawPollutionData.newBuilder().setSensorId(sensorIds(gen))
                .setSequence(gen.longs()).setCo2(gen.ints());
        Timestamp at = timestamps(gen);
        return (at == null ? message : message.setDetectedAt(at)).build();
    }

    /** Random bytes, or a valid message of either type as it is, truncated or altered. */
    private static byte[] bytes(Gen gen) {
        return gen.oneOf(
                () -> gen.bytes(300),
                () -> gen.mutated(airMessages(gen).toByteArray()),
                () -> gen.mutated(pollutionMessages(gen).toByteArray()));
    }

    private static String sensorIds(Gen gen) {
        return gen.oneOf(() -> gen.alphanumeric(0, 30, ""), () -> gen.strings(300), () -> gen.huge(26, 20_000));
    }

    /**
     * Absent, near now, any instant ({@link Gen#instants}: its ends, epoch milliseconds' and the validator's bounds
     * among its edges), any seconds and nanos (invalid nanos included; {@link Gen#longs()}' edges are seconds at those
     * ends and bounds), and the values of the issue.
     */
    private static Timestamp timestamps(Gen gen) {
        if (gen.chance(0.05)) {
            return null;
        }
        return gen.oneOf(
                () -> ProtoCodec.timestamp(NOW.plusSeconds(gen.longs(-3_000_000_000L, 1_000))),
                () -> ProtoCodec.timestamp(gen.instants(NOW)),
                () -> Timestamp.newBuilder().setSeconds(gen.longs()).setNanos(gen.ints()).build(),
                () -> Timestamp.newBuilder()
                        .setSeconds(gen.of(1L << 62, -10_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE))
                        .build());
    }
}
