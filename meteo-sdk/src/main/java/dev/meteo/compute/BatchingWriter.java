package dev.meteo.compute;

import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.model.Coefficient;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.RecordId;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.StoreOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: one thread drains whatever coefficients are waiting (up to {@code maxBatch}) and stores them in one
 * pipelined call. Under load the batches grow by themselves; when idle a lone record is written at once, so batching
 * adds no latency.
 */
final class BatchingWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchingWriter.class.getName());

    private sealed interface Task permits StoreTask, RejectTask {
    }

    private record StoreTask(Coefficient coefficient, CompletableFuture<StoreOutcome> done) implements Task {
    }

    private record RejectTask(RecordId recordId, String reason, CompletableFuture<Void> done) implements Task {
    }

    private final CoefficientStore store;
    private final int maxBatch;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    BatchingWriter(CoefficientStore store, int maxBatch, String threadName) {
        this.store = store;
        this.maxBatch = maxBatch;
        this.thread = DaemonThreadFactory.start(threadName, this::run);
    }

    CompletableFuture<StoreOutcome> store(Coefficient coefficient) {
        CompletableFuture<StoreOutcome> done = new CompletableFuture<>();
        enqueue(new StoreTask(coefficient, done), done);
        return done;
    }

    CompletableFuture<Void> reject(InvalidRecordException invalid) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        RecordId id = invalid.recordId() == null ? new RecordId("", -1) : invalid.recordId();
        enqueue(new RejectTask(id, invalid.getMessage(), done), done);
        return done;
    }

    private void enqueue(Task task, CompletableFuture<?> done) {
        if (!running) {
            done.completeExceptionally(new IllegalStateException("compute node is closed"));
            return;
        }
        queue.add(task);
    }

    private void run() {
        List<Task> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Task first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        Task left;
        while ((left = queue.poll()) != null) {
            fail(left, new IllegalStateException("compute node closed before the record was stored"));
        }
    }

    private void write(List<Task> batch) {
        List<StoreTask> stores = new ArrayList<>(batch.size());
        for (Task task : batch) {
            if (task instanceof StoreTask storeTask) {
                stores.add(storeTask);
            } else if (task instanceof RejectTask reject) {
                try {
                    store.recordRejected(reject.recordId(), reject.reason());
                    reject.done().complete(null);
                } catch (RuntimeException e) {
                    reject.done().completeExceptionally(e);
                }
            }
        }
        if (stores.isEmpty()) {
            return;
        }
        try {
            List<StoreOutcome> outcomes = store.storeAll(stores.stream().map(StoreTask::coefficient).toList());
            for (int i = 0; i < stores.size(); i++) {
                stores.get(i).done().complete(outcomes.get(i));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "storing " + stores.size() + " coefficients failed: " + e.getMessage());
            stores.forEach(task -> task.done().completeExceptionally(e));
        }
    }

    private static void fail(Task task, RuntimeException error) {
        if (task instanceof StoreTask s) {
            s.done().completeExceptionally(error);
        } else if (task instanceof RejectTask r) {
            r.done().completeExceptionally(error);
        }
    }

    /** Writes what is queued, then stops (bounded by a few seconds). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
