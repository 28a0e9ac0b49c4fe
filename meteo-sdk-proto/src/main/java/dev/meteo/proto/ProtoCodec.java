package dev.meteo.proto;

import com.google.protobuf.Timestamp;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.model.WindowResult;

import java.time.DateTimeException;
import java.time.Instant;

/**
 * Translation between the SDK's model and the protobuf messages of {@code meteo/v1/records.proto}, used by both
 * modes (gRPC messages, RabbitMQ bodies). Lossless for valid values. Decoding a record never throws, whatever the
 * message holds: a missing timestamp maps to {@code null} and a timestamp no {@link Instant} can hold to
 * {@link Instant#MIN} or {@link Instant#MAX}, so that the compute server's validator rejects the record with a
 * reason, under its own identity, instead of failing the call, the batch or the consumer it came in.
 */
public final class ProtoCodec {

    private ProtoCodec() {
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /**
     * The instant of a timestamp, saturated: seconds beyond what an {@link Instant} holds (about ±10^9 years) give
     * {@link Instant#MIN} or {@link Instant#MAX}; nanos outside 0..999,999,999 carry into the seconds. Never throws.
     */
    public static Instant instant(Timestamp timestamp) {
        long seconds = timestamp.getSeconds();
        try {
            return Instant.ofEpochSecond(seconds, timestamp.getNanos());
        } catch (DateTimeException | ArithmeticException beyondInstant) {
            return seconds < 0 ? Instant.MIN : Instant.MAX;
        }
    }

    public static dev.meteo.proto.RawMeteoData toProto(RawMeteoData data) {
        var builder = dev.meteo.proto.RawMeteoData.newBuilder()
                .setSensorId(nullToEmpty(data.sensorId()))
                .setSequence(data.sequence())
                .setTemperature(data.temperature())
                .setHumidity(data.humidity());
        if (data.detectedAt() != null) {
            builder.setDetectedAt(timestamp(data.detectedAt()));
        }
        return builder.build();
    }

    public static dev.meteo.proto.RawPollutionData toProto(RawPollutionData data) {
        var builder = dev.meteo.proto.RawPollutionData.newBuilder()
                .setSensorId(nullToEmpty(data.sensorId()))
                .setSequence(data.sequence())
                .setCo2(data.co2());
        if (data.detectedAt() != null) {
            builder.setDetectedAt(timestamp(data.detectedAt()));
        }
        return builder.build();
    }

    public static RawMeteoData fromProto(dev.meteo.proto.RawMeteoData message) {
        return new RawMeteoData(message.getSensorId(), message.getSequence(),
                message.hasDetectedAt() ? instant(message.getDetectedAt()) : null,
                message.getTemperature(), message.getHumidity());
    }

    public static RawPollutionData fromProto(dev.meteo.proto.RawPollutionData message) {
        return new RawPollutionData(message.getSensorId(), message.getSequence(),
                message.hasDetectedAt() ? instant(message.getDetectedAt()) : null, message.getCo2());
    }

    /** The binary encoding of a record's message (the body of a RabbitMQ message). */
    public static byte[] encode(SensorRecord record) {
        return record instanceof RawMeteoData air ? toProto(air).toByteArray()
                : toProto((RawPollutionData) record).toByteArray();
    }

    /** A record as a batch carries it. */
    public static Reading reading(SensorRecord record) {
        return record instanceof RawMeteoData air
                ? Reading.newBuilder().setAir(toProto(air)).build()
                : Reading.newBuilder().setPollution(toProto((RawPollutionData) record)).build();
    }

    /** The record a reading of a batch carries, or {@code null} for a reading that carries none. Never throws. */
    public static SensorRecord record(Reading reading) {
        return switch (reading.getReadingCase()) {
            case AIR -> fromProto(reading.getAir());
            case POLLUTION -> fromProto(reading.getPollution());
            case READING_NOT_SET -> null;
        };
    }

    public static dev.meteo.proto.KindStatistics toProto(KindStatistics statistics) {
        var builder = dev.meteo.proto.KindStatistics.newBuilder().setCount(statistics.count());
        if (!statistics.isEmpty()) {
            builder.setMean(statistics.mean()).setStddev(statistics.stddev())
                    .setMin(statistics.min()).setMax(statistics.max())
                    .setLatest(timestamp(statistics.latest()));
        }
        return builder.build();
    }

    public static KindStatistics fromProto(dev.meteo.proto.KindStatistics message) {
        if (message.getCount() == 0) {
            return KindStatistics.EMPTY;
        }
        return new KindStatistics(message.getCount(), message.getMean(), message.getStddev(), message.getMin(),
                message.getMax(), message.hasLatest() ? instant(message.getLatest()) : null);
    }

    public static dev.meteo.proto.WindowResult toProto(WindowResult result) {
        return dev.meteo.proto.WindowResult.newBuilder()
                .setStart(timestamp(result.start()))
                .setEnd(timestamp(result.end()))
                .setWellness(toProto(result.wellness()))
                .setPollution(toProto(result.pollution()))
                .setLateRecords(result.lateRecords())
                .build();
    }

    public static WindowResult fromProto(dev.meteo.proto.WindowResult message) {
        return new WindowResult(instant(message.getStart()), instant(message.getEnd()),
                fromProto(message.getWellness()), fromProto(message.getPollution()), message.getLateRecords());
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
