package dev.meteo.grpc.compute;

import dev.meteo.compute.ComputeNode;
import dev.meteo.proto.ProtoCodec;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.SensorRecord;
import dev.meteo.grpc.proto.ComputeServerGrpc;
import dev.meteo.grpc.proto.ProcessReply;
import dev.meteo.proto.RawMeteoData;
import dev.meteo.proto.RawPollutionData;
import dev.meteo.grpc.internal.Batches;
import dev.meteo.grpc.proto.BatchReply;
import dev.meteo.proto.Reading;
import dev.meteo.proto.RecordBatch;
import dev.meteo.grpc.proto.RecordOutcome;
import dev.meteo.grpc.proto.StoreOutcome;
import dev.meteo.store.StoreUnavailableException;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

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

    /**
     * A batch: every reading that carries a record goes to the node at once; a reading that carries none (not a
     * record, so nothing to count) is answered rejected. Replies once every record is stored or rejected. An invalid
     * record, an extreme detection time included (decoding saturates it, the validator rejects it), is rejected alone:
     * the others of the batch are stored.
     */
    @Override
    public void processBatch(RecordBatch request, StreamObserver<BatchReply> observer) {
        List<SensorRecord> records = new ArrayList<>(request.getReadingsCount());
        for (Reading reading : request.getReadingsList()) {
            SensorRecord record = Batches.record(reading);
            if (record != null) {
                records.add(record);
            }
        }
        Context call = Context.current();
        CompletableFuture<List<ComputeNode.Result>> processing;
        try {
            processing = node.processAll(records, () -> !call.isCancelled());
        } catch (RuntimeException e) {
            observer.onError(statusOf(e).asRuntimeException()); // the node is closing
            return;
        }
        processing.whenComplete((results, error) -> {
            try {
                if (error != null) {
                    observer.onError(statusOf(error).asRuntimeException());
                    return;
                }
                BatchReply.Builder reply = BatchReply.newBuilder();
                int next = 0;
                for (Reading reading : request.getReadingsList()) {
                    if (reading.getReadingCase() == Reading.ReadingCase.READING_NOT_SET) {
                        reply.addOutcomes(RecordOutcome.newBuilder().setOutcome(StoreOutcome.STORE_OUTCOME_REJECTED)
                                .setRejection("the reading carries no record (neither air nor pollution)"));
                        continue;
                    }
                    ComputeNode.Result result = results.get(next++);
                    reply.addOutcomes(result.isRejected()
                            ? RecordOutcome.newBuilder().setOutcome(StoreOutcome.STORE_OUTCOME_REJECTED)
                                    .setRejection(result.rejection())
                            : RecordOutcome.newBuilder().setOutcome(Batches.outcome(result.processed().outcome()))
                                    .setCoefficient(result.processed().coefficient().value()));
                }
                observer.onNext(reply.build());
                observer.onCompleted();
            } catch (RuntimeException callGone) {
                // the caller cancelled or the server is stopping: nobody to answer (the store is idempotent)
            }
        });
    }

    /**
     * A call the caller cancelled meanwhile (the load balancer's deadline or silence check passed, so it retries the
     * record elsewhere) is not stored: wasted work saved, not a correctness matter (stores are idempotent).
     */
    private void process(SensorRecord record, StreamObserver<ProcessReply> observer) {
        Context call = Context.current();
        CompletableFuture<ComputeNode.Processed> processing;
        try {
            processing = node.process(record, () -> !call.isCancelled());
        } catch (RuntimeException e) {
            observer.onError(statusOf(e).asRuntimeException()); // the node is closing
            return;
        }
        processing.whenComplete((processed, error) -> {
            try {
                if (error == null) {
                    observer.onNext(ProcessReply.newBuilder()
                            .setCoefficient(processed.coefficient().value())
                            .setOutcome(Batches.outcome(processed.outcome()))
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
        if (cause instanceof CancellationException) {
            return Status.CANCELLED.withDescription("the call was cancelled before its record was stored");
        }
        if (cause instanceof StoreUnavailableException || cause instanceof IllegalStateException
                || cause instanceof RejectedExecutionException) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage());
        }
        return Status.INTERNAL.withDescription(String.valueOf(cause));
    }
}
