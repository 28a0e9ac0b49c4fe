package dev.meteo.examples;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.inprocess.InProcessBroadcast;
import dev.meteo.inprocess.InProcessLoadBalancer;
import dev.meteo.model.KindStatistics;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.WindowResult;
import dev.meteo.sensor.Sensor;
import dev.meteo.sensor.SensorSettings;
import dev.meteo.sensor.SensorType;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.redis.RedisSettings;
import dev.meteo.terminal.Terminal;
import dev.meteo.terminal.TerminalSink;
import dev.meteo.window.AggregatorSettings;
import dev.meteo.window.WindowAggregator;
import dev.meteo.window.WindowSpec;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A custom {@link TerminalSink}: raises an alert when the window's mean pollution coefficient falls below a threshold
 * (the coefficient is 1 at the CO2 optimum of 400 ppm and drops as CO2 rises), and clears it when the mean is back
 * above. Edge-triggered: one line per crossing, not one per window. Windows without pollution records change nothing.
 *
 * <p>{@link #main} wires it into an in-process pipeline whose pollution sensor replays a ventilation failure: CO2
 * climbs from 400 to 520 ppm and comes back, so the alert is raised and then cleared. Threshold: first argument,
 * default 0.5.
 */
public final class PollutionAlertSink implements TerminalSink {

    private final double threshold;
    private boolean alerting;

    public PollutionAlertSink(double threshold) {
        this.threshold = threshold;
    }

    @Override
    public void accept(WindowResult result) {
        KindStatistics pollution = result.pollution();
        if (pollution.isEmpty()) {
            return; // no evidence either way
        }
        // A terminal calls accept() from one thread at a time, in window order: no locking needed.
        if (!alerting && pollution.mean() < threshold) {
            alerting = true;
            System.out.printf(Locale.ROOT, "ALERT   %s  pollution mean %.2f fell below %.2f (worst %.2f, %d readings)%n",
                    result.end(), pollution.mean(), threshold, pollution.min(), pollution.count());
        } else if (alerting && pollution.mean() >= threshold) {
            alerting = false;
            System.out.printf(Locale.ROOT, "CLEARED %s  pollution mean %.2f is back above %.2f%n",
                    result.end(), pollution.mean(), threshold);
        }
    }

    public boolean isAlerting() {
        return alerting;
    }

    public static void main(String[] args) throws Exception {
        double threshold = args.length > 0 ? Double.parseDouble(args[0]) : 0.5;
        Clock clock = Clock.systemUTC();
        String redisUri = System.getenv().getOrDefault("METEO_REDIS_URI", RedisSettings.DEFAULT_URI);
        try (RedisMeteoStore store = new RedisMeteoStore(RedisSettings.of(redisUri, "meteo-example:" + UUID.randomUUID() + ":"))) {
            store.ping();
            ComputeNode node = new ComputeNode(ComputeSettings.of("node-1"), store, clock);
            InProcessLoadBalancer balancer = new InProcessLoadBalancer().add(node);

            // The terminal prints every window and hands it to the alert sink.
            Terminal terminal = new Terminal("alerts", List.<TerminalSink>of(
                    result -> System.out.println("        " + Pipeline.describe(result)),
                    new PollutionAlertSink(threshold)));
            WindowAggregator aggregator = new WindowAggregator(
                    AggregatorSettings.of(WindowSpec.of(Duration.ofSeconds(1), Duration.ofMillis(300)), "alert-proxy"),
                    store, new InProcessBroadcast().add(terminal), clock).start();

            // A pollution sensor whose readings we script: CO2 rises 400 -> 520 ppm, then falls back.
            Sensor sensor = new Sensor(SensorSettings.of("co2-ventilation", SensorType.POLLUTION), balancer, clock);
            long sequence = clock.millis() * 1000; // start-time based, like the sensor's own sequence numbers
            for (int step = 0; step <= 60; step++) {
                int co2 = 400 + 4 * (step <= 30 ? step : 60 - step);
                sensor.emit(new RawPollutionData("co2-ventilation", sequence++, clock.instant(), co2));
                Thread.sleep(200);
            }
            sensor.close();
            Thread.sleep(2_000); // let the last window close (1 s window + 0.3 s grace)

            aggregator.close();
            node.close();
            terminal.close();
            store.deleteAll();
        }
    }
}
