package dev.meteo.bench;

import dev.meteo.cli.options.DurationConverter;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.redis.RedisSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One bench run's settings, as the command line gave them.
 *
 * @param ratePerS     total offered records/s over all sensors, or 0 for full speed (interval 0, bounded in flight)
 * @param maxInFlight  per sensor: records sent and not yet confirmed
 * @param rabbitQueueBound rabbit at full speed: ready messages in the work queue above which the sensors pause
 * @param redis        where Redis is; each mode runs under its key prefix + {@code bench-<run id>-<mode>:}
 * @param rabbit       where RabbitMQ is; each mode's names start with its prefix + {@code -bench-<run id>-<mode>}
 * @param runDir       where this run's logs and terminal files go
 */
record BenchSettings(int sensors, int servers, int terminals, Duration warmup, Duration measure, double ratePerS,
                     int maxInFlight, boolean c2, boolean fault, Duration window, Duration grace, Duration limitWarmup,
                     Duration limitMeasure, int rabbitQueueBound, RedisSettings redis, RabbitSettings rabbit, String runId, Path runDir) {

    boolean fullSpeed() {
        return ratePerS <= 0;
    }

    /** Each sensor's interval: 0 at full speed, else sensors / rate. */
    String sensorInterval() {
        if (fullSpeed()) {
            return "0";
        }
        return String.format(java.util.Locale.ROOT, "%.6fms", sensors * 1000.0 / ratePerS);
    }

    java.util.List<String> childJvmOptions() {
        return c2 ? Fleet.C2_OPTIONS : Fleet.C1_OPTIONS;
    }

    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sensors", sensors);
        out.put("servers", servers);
        out.put("terminals", terminals);
        out.put("warmup_s", warmup.toMillis() / 1000.0);
        out.put("measure_s", measure.toMillis() / 1000.0);
        out.put("rate", fullSpeed() ? "max" : ratePerS);
        out.put("sensor_interval", fullSpeed() ? "0" : sensorInterval());
        out.put("max_in_flight_per_sensor", maxInFlight);
        out.put("processing_delay", "0");
        out.put("window", DurationConverter.format(window));
        out.put("grace", DurationConverter.format(grace));
        out.put("fault", fault);
        out.put("limit_warmup_s", limitWarmup.toMillis() / 1000.0);
        out.put("limit_measure_s", limitMeasure.toMillis() / 1000.0);
        out.put("rabbit_queue_bound", fullSpeed() ? rabbitQueueBound : null);
        out.put("rabbit_prefetch", rabbit.prefetch());
        out.put("child_jvm_options", childJvmOptions());
        out.put("run_id", runId);
        out.put("logs", runDir.toString());
        return out;
    }
}
