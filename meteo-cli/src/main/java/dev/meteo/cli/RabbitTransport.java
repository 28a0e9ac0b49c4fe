package dev.meteo.cli;

import dev.meteo.compute.ComputeNode;
import dev.meteo.rabbit.RabbitSettings;
import dev.meteo.rabbit.compute.RabbitComputeServer;
import dev.meteo.rabbit.proxy.RabbitResultPublisher;
import dev.meteo.rabbit.sensor.RabbitRecordPublisher;
import dev.meteo.rabbit.terminal.RabbitTerminalConsumer;
import dev.meteo.sensor.RecordPublisher;
import dev.meteo.store.CoefficientStore;
import dev.meteo.terminal.Terminal;
import dev.meteo.window.WindowResultPublisher;

import java.util.Map;

/** Indirect mode: every role connects to the broker, waiting (and saying so) until it answers. */
final class RabbitTransport implements Transport {

    private final RabbitSettings settings;

    RabbitTransport(ConnectionOptions options) {
        this.settings = RabbitSettings.fromUri(options.rabbitUri).withNamePrefix(options.rabbitPrefix);
    }

    private String broker() {
        return "RabbitMQ at " + settings.redactedUri();
    }

    @Override
    public RecordPublisher recordPublisher(String sensorId) throws Exception {
        return Retry.until(broker(), () -> unchecked(() -> RabbitRecordPublisher.open(settings)));
    }

    @Override
    public Served serveCompute(ComputeNode node, CoefficientStore store, int port) throws Exception {
        RabbitComputeServer server = Retry.until(broker(), () -> unchecked(() -> RabbitComputeServer.start(settings, node, store)));
        return new Served() {
            @Override
            public String describe() {
                return "consuming " + settings.namePrefix() + ".records on " + settings.redactedUri();
            }

            @Override
            public Map<String, Object> status() {
                RabbitComputeServer.Stats stats = server.stats();
                return Map.of("received", stats.received(), "acked", stats.acked(),
                        "dead_lettered", stats.deadLettered(), "requeued", stats.requeued());
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    @Override
    public WindowResultPublisher resultPublisher() throws Exception {
        return Retry.until(broker(), () -> unchecked(() -> RabbitResultPublisher.open(settings)));
    }

    @Override
    public Served serveTerminal(Terminal terminal, int port) throws Exception {
        RabbitTerminalConsumer consumer = Retry.until(broker(), () -> unchecked(() -> RabbitTerminalConsumer.start(settings, terminal)));
        return new Served() {
            @Override
            public String describe() {
                return "consuming " + consumer.queue() + " on " + settings.redactedUri();
            }

            @Override
            public void close() {
                consumer.close();
            }
        };
    }

    interface IoSupplier<T> {
        T get() throws Exception;
    }

    /** Turns a checked connection failure into one {@link Retry} reports and retries. */
    static <T> T unchecked(IoSupplier<T> supplier) {
        try {
            return supplier.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }
}
