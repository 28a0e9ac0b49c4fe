package dev.meteo.proto;

import com.google.protobuf.Timestamp;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.WindowResult;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ProtoCodecTest {

    private static final Instant DETECTED = Instant.parse("2026-11-29T10:15:30.125Z");

    @Test
    void anAirRecordSurvivesTheRoundTrip() throws Exception {
        RawMeteoData record = new RawMeteoData("air-1", 42, DETECTED, 21.5, 48.25);
        byte[] body = ProtoCodec.encode(record);
        assertEquals(record, ProtoCodec.fromProto(dev.meteo.proto.RawMeteoData.parseFrom(body)));
    }

    @Test
    void aPollutionRecordSurvivesTheRoundTrip() throws Exception {
        RawPollutionData record = new RawPollutionData("co2-7", 9, DETECTED, 612);
        byte[] body = ProtoCodec.encode(record);
        assertEquals(record, ProtoCodec.fromProto(dev.meteo.proto.RawPollutionData.parseFrom(body)));
    }

    @Test
    void aMissingTimestampDecodesAsNullSoTheValidatorCanRejectIt() {
        RawMeteoData withoutTime = new RawMeteoData("air-1", 1, null, 20, 50);
        assertNull(ProtoCodec.fromProto(ProtoCodec.toProto(withoutTime)).detectedAt());
    }

    /** Issue 18: seconds = 2^62 threw DateTimeException out of a gRPC call and a RabbitMQ consumer. */
    @Test
    void aTimestampNoInstantCanHoldDecodesSaturatedSoTheValidatorRejectsIt() {
        assertEquals(Instant.MAX, ProtoCodec.instant(Timestamp.newBuilder().setSeconds(1L << 62).build()));
        assertEquals(Instant.MIN, ProtoCodec.instant(Timestamp.newBuilder().setSeconds(Long.MIN_VALUE).build()));
        assertEquals(Instant.MAX, ProtoCodec.instant(Timestamp.newBuilder().setSeconds(Instant.MAX.getEpochSecond())
                .setNanos(Integer.MAX_VALUE).build()));
        // within what an Instant holds, though not epoch milliseconds: decoded as it is, the validator rejects it
        assertEquals(Instant.ofEpochSecond(-10_000_000_000_000_000L),
                ProtoCodec.instant(Timestamp.newBuilder().setSeconds(-10_000_000_000_000_000L).build()));
        var message = dev.meteo.proto.RawPollutionData.newBuilder().setSensorId("co2-1").setSequence(3)
                .setDetectedAt(Timestamp.newBuilder().setSeconds(1L << 62)).setCo2(400).build();
        assertEquals(new RawPollutionData("co2-1", 3, Instant.MAX, 400), ProtoCodec.fromProto(message));
    }

    @Test
    void nanosOutsideTheirRangeCarryIntoTheSeconds() {
        assertEquals(Instant.ofEpochSecond(9, 999_999_999),
                ProtoCodec.instant(Timestamp.newBuilder().setSeconds(10).setNanos(-1).build()));
    }

    @Test
    void aWindowResultWithAnEmptyKindSurvivesTheRoundTrip() throws Exception {
        WindowResult result = new WindowResult(Instant.ofEpochMilli(2_000), Instant.ofEpochMilli(4_000),
                new KindStatistics(3, 0.5, 0.125, 0.25, 0.75, DETECTED), KindStatistics.EMPTY, 7);
        byte[] body = ProtoCodec.toProto(result).toByteArray();
        assertEquals(result, ProtoCodec.fromProto(dev.meteo.proto.WindowResult.parseFrom(body)));
    }
}
