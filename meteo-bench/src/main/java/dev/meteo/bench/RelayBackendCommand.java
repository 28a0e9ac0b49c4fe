package dev.meteo.bench;

import dev.meteo.cli.metrics.RoleMetrics;
import io.micrometer.core.instrument.FunctionCounter;

import dev.meteo.cli.command.RoleCommand;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.proto.ComputeServerGrpc;
import dev.meteo.grpc.proto.BatchReply;
import dev.meteo.grpc.proto.ProcessReply;
import dev.meteo.grpc.proto.RecordOutcome;
import dev.meteo.grpc.proto.StoreOutcome;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backend of the bare relay hop ({@code meteo bench relay-backend}, started by {@code meteo bench throughput}): a
 * compute server's gRPC service that answers every
 * record (one per call, or every record of a batch) at once with "stored", without computing or touching Redis, on a {@code directExecutor} as in
 * {@code DirectThroughputHarness}. Behind the real load balancer it measures what the gRPC hops alone cost.
 */
@Command(name = "relay-backend", mixinStandardHelpOptions = true,
        description = {"A no-op compute server for the bare relay limit of 'meteo bench throughput': answers every "
                + "record 'stored' at once, without computing or touching Redis; behind the real load balancer it "
                + "measures what the gRPC hops alone cost.", ""})
public final class RelayBackendCommand extends RoleCommand {

    @Option(names = "--port", required = true, paramLabel = "PORT", description = "Port to listen on (127.0.0.1).")
    int port;

    @Override
    protected String roleName() {
        return "relay-backend";
    }

    @Override
    protected Running start() {
        AtomicLong answered = new AtomicLong();
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus(ComputeServerGrpc.SERVICE_NAME, HealthCheckResponse.ServingStatus.SERVING);
        ProcessReply reply = ProcessReply.newBuilder().setCoefficient(0.5).setOutcome(StoreOutcome.STORE_OUTCOME_STORED).build();
        RecordOutcome stored = RecordOutcome.newBuilder().setCoefficient(0.5).setOutcome(StoreOutcome.STORE_OUTCOME_STORED).build();
        Server server = GrpcServers.start("127.0.0.1", port, dev.meteo.grpc.GrpcTlsSettings.plaintext(), builder -> builder
                .directExecutor()
                .addService(new ComputeServerGrpc.ComputeServerImplBase() {
                    @Override
                    public void processMeteoData(dev.meteo.proto.RawMeteoData request, StreamObserver<ProcessReply> observer) {
                        answered.incrementAndGet();
                        observer.onNext(reply);
                        observer.onCompleted();
                    }

                    @Override
                    public void processPollutionData(dev.meteo.proto.RawPollutionData request, StreamObserver<ProcessReply> observer) {
                        answered.incrementAndGet();
                        observer.onNext(reply);
                        observer.onCompleted();
                    }

                    /** A batch: every reading answered "stored", in order, as a compute server answers a stored batch. */
                    @Override
                    public void processBatch(dev.meteo.proto.RecordBatch request, StreamObserver<BatchReply> observer) {
                        answered.addAndGet(request.getReadingsCount());
                        BatchReply.Builder batchReply = BatchReply.newBuilder();
                        for (int i = 0; i < request.getReadingsCount(); i++) {
                            batchReply.addOutcomes(stored);
                        }
                        observer.onNext(batchReply.build());
                        observer.onCompleted();
                    }
                })
                .addService(health.getHealthService()));
        return new Running() {
            @Override
            public void bindMetrics(RoleMetrics metrics) {
                FunctionCounter.builder("meteo.relay.answered", answered, AtomicLong::get)
                        .description("records answered 'stored' at once").register(metrics.registry());
            }

            @Override
            public void close() {
                GrpcServers.stop(server, Duration.ofSeconds(2), "relay backend");
            }
        };
    }
}
