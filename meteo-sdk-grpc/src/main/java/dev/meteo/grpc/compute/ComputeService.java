package dev.meteo.grpc.compute;

import dev.meteo.compute.ComputeNode;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.SensorRecord;
import dev.meteo.grpc.proto.ComputeServerGrpc;
import dev.meteo.grpc.proto.ProcessReply;
import dev.meteo.proto.RawMeteoData;
import dev.meteo.proto.RawPollutionData;
import dev.meteo.grpc.proto.StoreOutcome;
import dev.meteo.store.StoreUnavailableException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletionException;

/**
 * The compute server's RPCs: hands each record to the {@link ComputeNode} and replies from the node's future, so a
 * transport thread never waits for the simulated delay or the store (the node processes many records at once).
 */
final class ComputeService extends ComputeServerGrpc.ComputeServerImplBase {

    private final ComputeNode node;

    ComputeService(ComputeNode node) {
        this.node = node;
    }

    @Override
    public void processMeteoData(RawMeteoData request, StreamObserver<ProcessReply> observer) {
        process(ProtoCodec.fromProto(request), observer);
    }

    @Override
    public void processPollutionData(RawPollutionData request, StreamObserver<ProcessReply> observer) {
        process(ProtoCodec.fromProto(request), observer);
    }

    private void process(SensorRecord record, StreamObserver<ProcessReply> observer) {
        node.process(record).whenComplete((processed, error) -> {
            try {
                if (error == null) {
                    observer.onNext(ProcessReply.newBuilder()
                            .setCoefficient(processed.coefficient().value())
                            .setOutcome(outcome(processed.outcome()))
                            .build());
                    observer.onCompleted();
                } else {
                    observer.onError(statusOf(error).asRuntimeException());
                }
            } catch (RuntimeException callGone) {
                // the caller cancelled or the server is stopping: nobody to answer (the store is idempotent)
            }
        });
    }

    /**
     * Invalid input is the caller's fault (INVALID_ARGUMENT, not retried); a store outage or a closing node is this
     * server's (UNAVAILABLE: the load balancer retries on another server, safe because stores are idempotent).
     */
    static Status statusOf(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof InvalidRecordException invalid) {
            return Status.INVALID_ARGUMENT.withDescription(invalid.getMessage());
        }
        if (cause instanceof StoreUnavailableException || cause instanceof IllegalStateException) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage());
        }
        return Status.INTERNAL.withDescription(String.valueOf(cause));
    }

    private static StoreOutcome outcome(dev.meteo.store.StoreOutcome outcome) {
        return switch (outcome) {
            case STORED -> StoreOutcome.STORE_OUTCOME_STORED;
            case LATE -> StoreOutcome.STORE_OUTCOME_LATE;
            case DUPLICATE -> StoreOutcome.STORE_OUTCOME_DUPLICATE;
        };
    }
}
