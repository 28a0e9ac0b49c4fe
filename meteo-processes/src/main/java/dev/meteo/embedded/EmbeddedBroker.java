package dev.meteo.embedded;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.BrokerModel;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.port.AmqpPort;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An AMQP 0-9-1 broker in this JVM (Apache Qpid Broker-J), for the demo when no RabbitMQ answers; RabbitMQ's Java
 * client talks to it unchanged.
 *
 * <p>One AMQP port bound to 127.0.0.1 only, one in-memory virtual host reached as {@code /} (nothing survives a
 * restart), PLAIN authentication with {@code guest}/{@code guest}. Qpid's work folder is a temporary folder deleted
 * by {@link #close()}. Qpid's own logging is lowered to WARN unless {@code org.slf4j.simpleLogger.log.*} says
 * otherwise. Start-up takes 1 to 2 s on an idle 2-vCPU machine (class loading and the configuration model) and up
 * to about 4 s when the machine is busy; shutdown about 0.2 s.
 *
 * <p>Limits, as measured against amqp-client 5.x: durable queues, persistent messages, publisher confirms,
 * {@code basicQos}, manual ack/nack, fanout and direct exchanges, exclusive server-named queues all work. Queue
 * arguments RabbitMQ-specific to dead-lettering ({@code x-dead-letter-exchange}), {@code x-overflow},
 * {@code x-queue-type} and others are refused with 542 and the connection is closed; see the tests in this package
 * for the exact list.
 *
 * <p>Not thread-safe: start and close from one thread.
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** Used when nothing else listens on it, so that roles started by hand with defaults find this broker. */
    public static final int DEFAULT_PORT = 5672;

    /** The logger name prefixes Qpid logs under: its classes and its operational messages. */
    private static final String[] QPID_LOGGERS = {"org.apache.qpid", "qpid"};

    private Path folder;
    private SystemLauncher launcher;
    private int port;
    private Duration startupTime;

    /**
     * Starts the broker on {@link #DEFAULT_PORT} when that is free, otherwise on a free loopback port, and returns
     * once it accepts connections.
     *
     * @return where to reach it, {@code amqp://guest:guest@127.0.0.1:<port>/%2F}
     * @throws Exception whatever Qpid throws when it cannot start
     */
    public URI start() throws Exception {
        if (launcher != null) {
            throw new IllegalStateException("already started on port " + port);
        }
        long began = System.nanoTime();
        quietQpidLogging();
        folder = Files.createTempDirectory("meteo-broker-");
        try {
            int preferred = LoopbackPorts.preferredOrFree(DEFAULT_PORT);
            try {
                launch(preferred);
            } catch (Exception e) {
                if (preferred == 0) {
                    throw e;
                }
                launch(0); // the preferred port was taken in the meantime: let the kernel pick one
            }
        } catch (Exception | Error e) {
            LoopbackPorts.deleteRecursively(folder);
            folder = null;
            throw e;
        }
        startupTime = Duration.ofNanos(System.nanoTime() - began);
        return uri();
    }

    /** {@code amqp://guest:guest@127.0.0.1:<port>/%2F}; only after {@link #start()}. */
    public URI uri() {
        requireStarted();
        return URI.create("amqp://guest:guest@" + LoopbackPorts.HOST + ":" + port + "/%2F");
    }

    /** The loopback port it listens on; only after {@link #start()}. */
    public int port() {
        requireStarted();
        return port;
    }

    /** How long {@link #start()} took. */
    public Duration startupTime() {
        requireStarted();
        return startupTime;
    }

    /** Shuts the broker down (open connections are closed) and deletes its work folder. Idempotent. */
    @Override
    public void close() {
        try {
            if (launcher != null) {
                launcher.shutdown();
            }
        } finally {
            launcher = null;
            LoopbackPorts.deleteRecursively(folder);
            folder = null;
        }
    }

    private void launch(int requestedPort) throws Exception {
        Path config = folder.resolve("initial-config.json");
        Files.writeString(config, initialConfiguration(requestedPort), StandardCharsets.UTF_8);

        AtomicReference<SystemConfig<?>> system = new AtomicReference<>();
        SystemLauncher candidate = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
            @Override
            public void onContainerResolve(SystemConfig<?> systemConfig) {
                system.set(systemConfig);
            }
        });
        Map<String, Object> context = new HashMap<>();
        context.put("qpid.work_dir", folder.toAbsolutePath().toString());
        context.put("qpid.broker.defaultPreferenceStoreAttributes", "{\"type\": \"Noop\"}");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("type", "Memory"); // the broker's own configuration lives in memory too
        attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, config.toUri().toString());
        attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
        attributes.put("context", context);
        try {
            candidate.startup(attributes);
            port = boundPort(system.get());
            launcher = candidate;
        } catch (Exception | Error e) {
            candidate.shutdown();
            throw e;
        }
    }

    private static int boundPort(SystemConfig<?> system) {
        if (system == null) {
            throw new IllegalStateException("Qpid started without resolving its broker");
        }
        Broker<?> broker = system.getContainer(Broker.class);
        for (Port<?> candidate : broker.getChildren(Port.class)) {
            if (candidate instanceof AmqpPort<?> amqp && amqp.getBoundPort() > 0) {
                return amqp.getBoundPort();
            }
        }
        throw new IllegalStateException("Qpid started but its AMQP port is not bound");
    }

    /** One AMQP port on loopback, PLAIN guest/guest allowed without TLS, one in-memory virtual host. */
    private static String initialConfiguration(int port) {
        return """
                {
                  "name": "meteo-embedded",
                  "modelVersion": "%s",
                  "authenticationproviders": [ {
                    "name": "plain", "type": "Plain", "secureOnlyMechanisms": [],
                    "users": [ { "name": "guest", "type": "managed", "password": "guest" } ]
                  } ],
                  "ports": [ {
                    "name": "AMQP", "port": %d, "bindingAddress": "%s",
                    "protocols": [ "AMQP_0_9_1" ], "authenticationProvider": "plain",
                    "virtualhostaliases": [ { "name": "nameAlias", "type": "nameAlias" },
                                            { "name": "defaultAlias", "type": "defaultAlias" } ]
                  } ],
                  "virtualhostnodes": [ {
                    "name": "default", "type": "Memory", "defaultVirtualHostNode": "true",
                    "virtualHostInitialConfiguration": "{\\"type\\": \\"Memory\\"}"
                  } ]
                }
                """.formatted(BrokerModel.MODEL_VERSION, port, LoopbackPorts.HOST);
    }

    /** slf4j-simple reads a logger's level when the logger is created: set it before Qpid creates its loggers. */
    private static void quietQpidLogging() {
        for (String logger : QPID_LOGGERS) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    private void requireStarted() {
        if (launcher == null) {
            throw new IllegalStateException("the embedded broker is not started");
        }
    }
}
