package dev.meteo.bench;

import dev.meteo.cli.options.DurationConverter;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The options {@code bench throughput} and {@code bench soak} share: a few fast sensor processes and the proxy's
 * window, where {@code bench scale} runs many slow sensors with its own.
 */
final class FullSpeedOptions {

    @Option(names = "--sensors", defaultValue = "2",
            description = "Sensor processes, half air, half pollution (default: ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--max-in-flight", defaultValue = "512",
            description = "Per sensor: records sent and not yet confirmed (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--window", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "1s",
            description = "Proxy's window length (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--grace", converter = DurationConverter.class, paramLabel = "DURATION", defaultValue = "5s",
            description = "Proxy's grace; above the worst detection -> stored latency, or records count as late "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration grace;
}
