package dev.meteo.compute;

import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.model.Coefficient;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.RecordId;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.StoreOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: whatever coefficients are waiting when a write starts (up to {@code maxBatch}, or one batch received
 * together however large) go to the store in one pipelined call. Under load the batches grow by themselves; when idle
 * a lone record is written at once, so batching adds no latency. Writes run one at a time on the executor given (a
 * thread of the writer's own by default; a simulator passes one it steps itself).
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
    private final Executor executor;
    /** The writer's own thread, when no executor was given; shut down at close. */
    private final ExecutorService ownThread;
    private final Queue<Task> queue = new ConcurrentLinkedQueue<>();
    /** A write is scheduled or running: at most one at a time, so writes never overlap and batches form behind it. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean running = true;

    /** A writer with a thread of its own, named {@code threadName}. */
    BatchingWriter(CoefficientStore store, int maxBatch, String threadName) {
        this.store = store;
        this.maxBatch = maxBatch;
        this.ownThread = Executors.newSingleThreadExecutor(new DaemonThreadFactory(threadName));
        this.executor = ownThread;
    }

    /** A writer whose writes run on {@code executor}, one at a time. */
    BatchingWriter(CoefficientStore store, int maxBatch, Executor executor) {
        this.store = store;
        this.maxBatch = maxBatch;
        this.ownThread = null;
        this.executor = executor;
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
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false);
                failAll(new IllegalStateException("compute node closed before the record was stored"));
            }
        }
    }

    /** Writes what waits, one batch after another, until nothing does; work arriving meanwhile joins the next batch. */
    private void drain() {
        try {
            List<Task> batch = new ArrayList<>(Math.min(maxBatch, 256));
            while (true) {
                int coefficients = 0;
                Task next;
                while (coefficients < maxBatch && (next = queue.poll()) != null) {
                    batch.add(next);
                    coefficients += next.size();
                }
                if (batch.isEmpty()) {
                    return;
                }
                write(batch);
                batch.clear();
            }
        } finally {
            draining.set(false);
            if (!queue.isEmpty()) {
                scheduleDrain(); // arrived between the last poll and the flag
            }
        }
    }

    private void failAll(RuntimeException error) {
        Task left;
        while ((left = queue.poll()) != null) {
            fail(left, error);
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

    /**
     * Stops taking work; with a thread of its own, writes what is queued first (bounded by a few seconds). What is
     * left then fails.
     */
    @Override
    public void close() {
        running = false;
        if (ownThread != null) {
            ownThread.shutdown();
            try {
                if (!ownThread.awaitTermination(5, TimeUnit.SECONDS)) {
                    ownThread.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        failAll(new IllegalStateException("compute node closed before the record was stored"));
    }
}
