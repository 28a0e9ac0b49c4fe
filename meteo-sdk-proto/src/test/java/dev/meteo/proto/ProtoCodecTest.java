package dev.meteo.proto;

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

    @Test
    void aWindowResultWithAnEmptyKindSurvivesTheRoundTrip() throws Exception {
        WindowResult result = new WindowResult(Instant.ofEpochMilli(2_000), Instant.ofEpochMilli(4_000),
                new KindStatistics(3, 0.5, 0.125, 0.25, 0.75, DETECTED), KindStatistics.EMPTY, 7);
        byte[] body = ProtoCodec.toProto(result).toByteArray();
        assertEquals(result, ProtoCodec.fromProto(dev.meteo.proto.WindowResult.parseFrom(body)));
    }
}
