package dev.meteo.grpc;

import dev.meteo.compute.ComputeNode;
import dev.meteo.compute.ComputeSettings;
import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.balancer.GrpcLoadBalancer;
import dev.meteo.grpc.balancer.LoadBalancerSettings;
import dev.meteo.grpc.compute.GrpcComputeServer;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.proto.ComputeServerGrpc;
import dev.meteo.grpc.proto.ProcessReply;
import dev.meteo.grpc.proto.StoreOutcome;
import dev.meteo.grpc.sensor.GrpcRecordPublisher;
import dev.meteo.grpc.sensor.RecordPublisherSettings;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.SensorRecord;
import dev.meteo.redis.RedisMeteoStore;
import dev.meteo.testing.RedisTestSupport;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Load harness of direct mode (not a test: run by hand). Two figures, each after a warm-up:
 * <ol>
 *   <li>end to end: sensors (one {@link GrpcRecordPublisher} each, many records in flight) -> load balancer -> 2
 *       compute servers (delay 0) -> Redis; a record counts once the sensor's call completed, i.e. once stored;</li>
 *   <li>bare relay: the same client -> the same load balancer -> a backend that answers at once without Redis, i.e.
 *       the cost of the gRPC hops alone with the executors the roles use.</li>
 * </ol>
 * Run: {@code mvn -q -pl meteo-sdk-grpc -am test-compile}, then
 * {@code java -cp <test classpath> dev.meteo.grpc.DirectThroughputHarness [warmupSeconds] [measureSeconds]}.
 * Needs Redis at 127.0.0.1:6379 (or {@code METEO_TEST_REDIS_URI}); deletes what it stored.
 */
public final class DirectThroughputHarness {

    private static final int SENSORS = 4;
    private static final int IN_FLIGHT_PER_SENSOR = 512;

    public static void main(String[] args) throws Exception {
        Logger.getLogger("").setLevel(Level.WARNING);
        Duration warmup = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 20);
        Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 15);
        System.out.printf("direct mode harness: %d sensors x %d in flight, warm-up %d s, measured %d s, %d CPUs%n",
                SENSORS, IN_FLIGHT_PER_SENSOR, warmup.toSeconds(), measure.toSeconds(),
                Runtime.getRuntime().availableProcessors());
        double endToEnd = endToEnd(warmup, measure);
        System.out.printf("end to end (sensor -> LB -> 2 servers -> Redis, delay 0): %.0f records/s%n", endToEnd);
        double relay = bareRelay(warmup, measure);
        System.out.printf("bare relay (client -> LB -> no-op backend): %.0f calls/s%n", relay);
    }

    private static double endToEnd(Duration warmup, Duration measure) throws Exception {
        Clock clock = Clock.systemUTC();
        RedisMeteoStore store = RedisTestSupport.freshStore();
        GrpcLoadBalancer balancer = GrpcLoadBalancer.start(LoadBalancerSettings.defaults());
        Endpoint lb = new Endpoint("127.0.0.1", balancer.port());
        List<ComputeNode> nodes = new ArrayList<>();
        List<GrpcComputeServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                ComputeNode node = new ComputeNode(ComputeSettings.of("bench-" + i), store, clock);
                nodes.add(node);
                GrpcComputeServer server = GrpcComputeServer.start(
                        GrpcTestSettings.computeSettings().withBalancer(lb), node);
                servers.add(server);
                server.registered().get();
            }
            return drive(lb, clock, warmup, measure);
        } finally {
            servers.forEach(GrpcComputeServer::close);
            nodes.forEach(ComputeNode::close);
            balancer.close();
            store.deleteAll();
            store.close();
        }
    }

    private static double bareRelay(Duration warmup, Duration measure) throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus(ComputeServerGrpc.SERVICE_NAME, io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        ProcessReply reply = ProcessReply.newBuilder().setCoefficient(0.5).setOutcome(StoreOutcome.STORE_OUTCOME_STORED).build();
        Server backend = GrpcServers.start("127.0.0.1", 0, GrpcTlsSettings.plaintext(), builder -> builder
                .directExecutor()
                .addService(new ComputeServerGrpc.ComputeServerImplBase() {
                    @Override
                    public void processMeteoData(dev.meteo.proto.RawMeteoData request, StreamObserver<ProcessReply> observer) {
                        observer.onNext(reply);
                        observer.onCompleted();
                    }

                    @Override
                    public void processPollutionData(dev.meteo.proto.RawPollutionData request, StreamObserver<ProcessReply> observer) {
                        observer.onNext(reply);
                        observer.onCompleted();
                    }
                })
                .addService(health.getHealthService()));
        GrpcLoadBalancer balancer = GrpcLoadBalancer.start(LoadBalancerSettings.defaults()
                .withStaticServers(List.of(new Endpoint("127.0.0.1", backend.getPort()))));
        try {
            return drive(new Endpoint("127.0.0.1", balancer.port()), Clock.systemUTC(), warmup, measure);
        } finally {
            balancer.close();
            GrpcServers.stop(backend, Duration.ofSeconds(2), "relay backend");
        }
    }

    /** Runs the sensors for warm-up then measure; returns the confirmed records per second during the measure. */
    private static double drive(Endpoint lb, Clock clock, Duration warmup, Duration measure) throws Exception {
        AtomicLong confirmed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<GrpcRecordPublisher> publishers = new ArrayList<>();
        long runId = System.nanoTime();
        for (int s = 0; s < SENSORS; s++) {
            GrpcRecordPublisher publisher = GrpcRecordPublisher.open(RecordPublisherSettings.of(lb));
            publishers.add(publisher);
            String sensorId = (s % 2 == 0 ? "air-" : "pollution-") + runId + "-" + s;
            boolean air = s % 2 == 0;
            Thread thread = new Thread(() -> {
                Semaphore inFlight = new Semaphore(IN_FLIGHT_PER_SENSOR);
                long sequence = 0;
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        inFlight.acquire();
                        Instant now = clock.instant();
                        SensorRecord record = air ? new RawMeteoData(sensorId, sequence++, now, 21.0, 45.0)
                                : new RawPollutionData(sensorId, sequence++, now, 500);
                        publisher.publish(record).whenComplete((ignored, error) -> {
                            inFlight.release();
                            (error == null ? confirmed : failed).incrementAndGet();
                        });
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "harness-sensor-" + s);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        Thread.sleep(warmup.toMillis());
        long before = confirmed.get();
        long start = System.nanoTime();
        Thread.sleep(measure.toMillis());
        long after = confirmed.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        publishers.forEach(GrpcRecordPublisher::close);
        if (failed.get() > 0) {
            System.out.println("  (" + failed.get() + " records failed)");
        }
        return (after - before) / seconds;
    }
}
