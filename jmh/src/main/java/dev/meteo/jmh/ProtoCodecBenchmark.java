package dev.meteo.jmh;

import dev.meteo.proto.ProtoCodec;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.WindowResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the wire format alone: model to protobuf bytes and back, for both record types and a window result, as
 * every hop of direct mode (and every RabbitMQ message body) pays it. Encode includes building the protobuf message
 * from the model; decode includes parsing and building the model value.
 *
 * <p>Run: {@code mvn -q -pl jmh -am package -DskipTests && java -jar jmh/target/benchmarks.jar ProtoCodecBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProtoCodecBenchmark {

    private RawMeteoData meteo;
    private RawPollutionData pollution;
    private WindowResult window;
    private byte[] meteoBytes;
    private byte[] pollutionBytes;
    private byte[] windowBytes;

    @Setup
    public void setUp() {
        Instant now = Instant.parse("2026-01-01T12:00:00.123Z");
        meteo = new RawMeteoData("air-sensor-0001", 1_767_268_800_123_000L, now, 21.4, 47.2);
        pollution = new RawPollutionData("pollution-sensor-0001", 1_767_268_800_123_001L, now, 612);
        window = new WindowResult(now, now.plusSeconds(5),
                new KindStatistics(1200, 0.71, 0.08, 0.42, 0.97, now.plusMillis(4900)),
                new KindStatistics(1180, 0.33, 0.11, 0.05, 0.88, now.plusMillis(4950)), 3);
        meteoBytes = ProtoCodec.toProto(meteo).toByteArray();
        pollutionBytes = ProtoCodec.toProto(pollution).toByteArray();
        windowBytes = ProtoCodec.toProto(window).toByteArray();
    }

    @Benchmark
    public byte[] encodeMeteoData() {
        return ProtoCodec.toProto(meteo).toByteArray();
    }

    @Benchmark
    public RawMeteoData decodeMeteoData() throws Exception {
        return ProtoCodec.fromProto(dev.meteo.proto.RawMeteoData.parseFrom(meteoBytes));
    }

    @Benchmark
    public byte[] encodePollutionData() {
        return ProtoCodec.toProto(pollution).toByteArray();
    }

    @Benchmark
    public RawPollutionData decodePollutionData() throws Exception {
        return ProtoCodec.fromProto(dev.meteo.proto.RawPollutionData.parseFrom(pollutionBytes));
    }

    @Benchmark
    public byte[] encodeWindowResult() {
        return ProtoCodec.toProto(window).toByteArray();
    }

    @Benchmark
    public WindowResult decodeWindowResult() throws Exception {
        return ProtoCodec.fromProto(dev.meteo.proto.WindowResult.parseFrom(windowBytes));
    }
}
