package dev.meteo.bench;

import dev.meteo.rabbit.RabbitConnections;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.topology.Topology;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ceilings of the stages a pipeline crosses, measured in the run that measures the pipeline, each once per shape
 * (a second path of the same shape reuses it): the bare gRPC relay hop ({@link RelayLimit}) unary or with batches,
 * RabbitMQ PerfTest shaped like the pipeline ({@link PerfTestRunner.Shape}), and the Redis store on its own
 * ({@link StoreLimit}). Every figure is records/s; a PerfTest figure is its messages/s times the records per message.
 */
final class StageLimits {

    private final BenchSettings settings;
    private final Progress progress;
    private final int storeWriters;
    private final Map<String, Map<String, Object>> measured = new HashMap<>();

    StageLimits(BenchSettings settings, Progress progress, int storeWriters) {
        this.settings = settings;
        this.progress = progress;
        this.storeWriters = storeWriters;
    }

    /** The relay hop as {@code plan}'s sensors send (unary, or batches of its size), at full speed. */
    Map<String, Object> relay(SensorPlan plan) throws Exception {
        String key = "relay " + plan.ingest() + " " + plan.batchSize() + " " + plan.maxInFlight() + " " + plan.processes();
        if (!measured.containsKey(key)) {
            measured.put(key, new RelayLimit(settings, progress, plan).run());
        }
        return measured.get(key);
    }

    /** The store script with batches of {@code batchSize} records, of {@code sensors} sensors. */
    Map<String, Object> store(int batchSize, int sensors) throws Exception {
        String key = "store " + batchSize + " " + sensors;
        if (!measured.containsKey(key)) {
            String prefix = settings.redis().keyPrefix() + "bench-" + settings.runId() + "-store-limit-" + batchSize + ":";
            measured.put(key, new StoreLimit(settings.redis(), prefix, batchSize, storeWriters, sensors,
                    settings.window(), settings.grace(), progress).run(settings.limitWarmup(), settings.limitMeasure()));
        }
        return measured.get(key);
    }

    /**
     * PerfTest on a queue of the type the pipeline's work queue gets on this broker ({@code --rabbit-queue-type}
     * resolved), in the pipeline's shape, persistent, confirmed and acked; the queue is deleted afterwards.
     * {@code per_s} is records/s: the steady messages/s times {@code recordsPerMessage}.
     */
    Map<String, Object> perfTest(PerfTestRunner.Shape shape, double recordsPerMessage) throws Exception {
        String key = "perftest " + shape + " " + recordsPerMessage;
        if (measured.containsKey(key)) {
            return measured.get(key);
        }
        RabbitSettings broker = settings.rabbit();
        String queue = "meteo-bench-" + settings.runId() + "-perftest-" + measured.size();
        RabbitSettings.QueueType type;
        try (Connection connection = RabbitConnections.open(broker, "meteo-bench-perftest");
             Channel channel = connection.createChannel()) {
            type = new Topology(broker).queueType(channel);
        }
        boolean quorum = type == RabbitSettings.QueueType.QUORUM;
        int seconds = (int) (settings.limitWarmup().toSeconds() + settings.limitMeasure().toSeconds());
        progress.phase("rabbit limit", "RabbitMQ PerfTest " + PerfTestRunner.VERSION + " for " + seconds + " s, "
                + shape.messageBytes() + "-byte messages (" + Math.round(recordsPerMessage * 10) / 10.0 + " records each)");
        try {
            PerfTestSummary summary = new PerfTestRunner().run(settings.rabbit().uri().toString(), queue, quorum,
                    seconds, shape, settings.runDir().resolve("perftest-" + measured.size() + ".log"));
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("per_s", Math.round(summary.steadyReceivedPerS() * recordsPerMessage));
            detail.put("steady_per_s", Math.round(summary.steadyReceivedPerS()));
            detail.put("records_per_message", Math.round(recordsPerMessage * 10) / 10.0);
            detail.put("queue_type", type.toString().toLowerCase(Locale.ROOT));
            detail.put("shape", shape.toMap());
            detail.putAll(summary.toMap());
            detail.put("command", String.join(" ", PerfTestRunner.arguments("QUEUE", quorum, seconds, shape)));
            measured.put(key, detail);
            return detail;
        } finally {
            try (Connection connection = RabbitConnections.open(broker, "meteo-bench-perftest-cleanup");
                 Channel channel = connection.createChannel()) {
                channel.queueDelete(queue);
            }
        }
    }
}
