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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: one thread drains whatever coefficients are waiting (up to {@code maxBatch}, or one batch received
 * together however large) and stores them in one pipelined call. Under load the batches grow by themselves; when idle a lone record is written at once, so batching
 * adds no latency.
 */
final class BatchingWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchingWriter.class.getName());

    private sealed interface Task permits StoreTask, BatchTask, RejectTask {
        /** Coefficients this task adds to a write. */
        default int size() {
            return 1;
        }
    }

    private record StoreTask(Coefficient coefficient, BooleanSupplier stillWanted, CompletableFuture<StoreOutcome> done)
            implements Task {
    }

    private record BatchTask(List<Coefficient> coefficients, BooleanSupplier stillWanted,
                             CompletableFuture<List<StoreOutcome>> done) implements Task {
        @Override
        public int size() {
            return coefficients.size();
        }
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

    /** Stores a coefficient with the next write, unless {@code stillWanted} says no by then (the future is cancelled). */
    CompletableFuture<StoreOutcome> store(Coefficient coefficient, BooleanSupplier stillWanted) {
        CompletableFuture<StoreOutcome> done = new CompletableFuture<>();
        enqueue(new StoreTask(coefficient, stillWanted, done), done);
        return done;
    }

    /** Stores coefficients received together; they share the next write (with whatever else waits). */
    CompletableFuture<List<StoreOutcome>> storeAll(List<Coefficient> coefficients, BooleanSupplier stillWanted) {
        CompletableFuture<List<StoreOutcome>> done = new CompletableFuture<>();
        if (coefficients.isEmpty()) {
            done.complete(List.of());
            return done;
        }
        enqueue(new BatchTask(coefficients, stillWanted, done), done);
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
                int coefficients = first.size();
                Task next;
                while (coefficients < maxBatch && (next = queue.poll()) != null) {
                    batch.add(next);
                    coefficients += next.size();
                }
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
        List<Task> stores = new ArrayList<>(batch.size());
        List<Coefficient> coefficients = new ArrayList<>();
        for (Task task : batch) {
            if (!stillWanted(task)) {
                fail(task, new CancellationException("the caller no longer waits for it: not stored"));
                continue;
            }
            if (task instanceof StoreTask storeTask) {
                stores.add(storeTask);
                coefficients.add(storeTask.coefficient());
            } else if (task instanceof BatchTask batchTask) {
                stores.add(batchTask);
                coefficients.addAll(batchTask.coefficients());
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
        List<StoreOutcome> outcomes;
        try {
            outcomes = store.storeAll(coefficients);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "storing " + coefficients.size() + " coefficients failed: " + e.getMessage());
            stores.forEach(task -> fail(task, e));
            return;
        }
        int at = 0;
        for (Task task : stores) {
            if (task instanceof StoreTask s) {
                s.done().complete(outcomes.get(at++));
            } else if (task instanceof BatchTask b) {
                b.done().complete(List.copyOf(outcomes.subList(at, at + b.size())));
                at += b.size();
            }
        }
    }

    /** A task whose caller gave up is not written: a saving only, stores are idempotent. */
    private static boolean stillWanted(Task task) {
        try {
            return task instanceof StoreTask s ? s.stillWanted().getAsBoolean()
                    : !(task instanceof BatchTask b) || b.stillWanted().getAsBoolean();
        } catch (RuntimeException e) {
            return true; // cannot tell: store it
        }
    }

    private static void fail(Task task, RuntimeException error) {
        if (task instanceof StoreTask s) {
            s.done().completeExceptionally(error);
        } else if (task instanceof BatchTask b) {
            b.done().completeExceptionally(error);
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
