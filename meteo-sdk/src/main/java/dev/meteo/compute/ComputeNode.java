package dev.meteo.compute;

import dev.meteo.metrics.Measurement;
import dev.meteo.metrics.Measured;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.formula.MeteoDataProcessor;
import dev.meteo.model.Coefficient;
import dev.meteo.model.InvalidRecordException;
import dev.meteo.model.RawMeteoData;
import dev.meteo.model.RawPollutionData;
import dev.meteo.model.RecordId;
import dev.meteo.model.RecordValidator;
import dev.meteo.model.SensorRecord;
import dev.meteo.store.CoefficientStore;
import dev.meteo.store.StoreOutcome;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A compute server's logic, transport-free: validate a record, wait the simulated processing delay (on a timer, not
 * a blocked thread, so many records are processed at once), compute its coefficient, and store it through a
 * group-commit writer that pipelines concurrent stores into one round trip. Invalid records are counted as rejected
 * in the store and fail with {@link InvalidRecordException}. Thread-safe; transports call {@link #process} from their
 * own threads and get a future.
 */
public final class ComputeNode implements AutoCloseable, Measured {

    /** A processed and stored record. */
    public record Processed(Coefficient coefficient, StoreOutcome outcome) {
    }

    /**
     * What became of one record of a batch: {@code processed} (stored in its window, late, or a duplicate), or
     * {@code rejection}, the reason it is invalid (counted as rejected). Exactly one of the two is set.
     */
    public record Result(SensorRecord record, Processed processed, String rejection) {

        public static Result of(SensorRecord record, Processed processed) {
            return new Result(record, Objects.requireNonNull(processed, "processed"), null);
        }

        public static Result rejected(SensorRecord record, String reason) {
            return new Result(record, null, Objects.requireNonNull(reason, "reason"));
        }

        public boolean isRejected() {
            return rejection != null;
        }
    }

    /** The rejection field of a message that could not be decoded as a record ({@link #rejectUndecodable}). */
    public static final String UNDECODABLE = "message";

    /**
     * Counters of one node: records processed (stored, late or duplicate), of those stored in a window, late and
     * duplicates; records rejected as invalid; records that failed (store unavailable, node closed); every record
     * handed to {@link #process} (the others included, and those still waiting for their simulated delay); and records
     * not stored because their caller no longer wanted them (a cancelled call, a closed channel).
     */
    public record Stats(long processed, long stored, long late, long duplicates, long rejected, long failed,
                        long received, long abandoned) {
    }

    /** Never says no: for callers that cannot tell whether the record is still wanted. */
    private static final BooleanSupplier ALWAYS_WANTED = () -> true;

    private final ComputeSettings settings;
    private final CoefficientStore store;
    private final RecordValidator validator;
    private final MeteoDataProcessor processor = new MeteoDataProcessor();
    private final BatchingWriter writer;
    private final ScheduledExecutorService delayTimer;
    private final SplittableRandom delayRandom = new SplittableRandom();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final Map<String, AtomicLong> rejectedByField = new ConcurrentHashMap<>();

    public ComputeNode(ComputeSettings settings, CoefficientStore store, Clock clock) {
        this(settings, store, clock, null);
    }

    /**
     * A node whose store writes run on {@code writes}, one at a time, instead of a thread of its own: a simulator
     * passes an executor it steps itself, so that a run is one thread and repeatable. {@code null}: a thread of its own.
     */
    public ComputeNode(ComputeSettings settings, CoefficientStore store, Clock clock, Executor writes) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.validator = new RecordValidator(clock, settings.maxFutureSkew());
        this.writer = writes == null ? new BatchingWriter(store, settings.maxBatch(), "compute-" + settings.id() + "-writer")
                : new BatchingWriter(store, settings.maxBatch(), writes);
        this.delayTimer = settings.delay().isZero() ? null : Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("compute-" + settings.id() + "-delay"));
    }

    public ComputeSettings settings() {
        return settings;
    }

    /** The coefficient of a valid record, without storing it. */
    public Coefficient coefficientOf(SensorRecord record) {
        double value = record instanceof RawMeteoData air
                ? processor.airWellness(air)
                : processor.pollutionCoefficient((RawPollutionData) record);
        return new Coefficient(record.kind(), record.id(), record.detectedAt(), value);
    }

    /**
     * Validates, processes and stores one record. The future completes once the coefficient is stored (or found to be
     * a duplicate), fails with {@link InvalidRecordException} for invalid input (after counting it as rejected), and
     * with {@link dev.meteo.store.StoreUnavailableException} when the store is down (safe to retry elsewhere).
     */
    public CompletableFuture<Processed> process(SensorRecord record) {
        return process(record, ALWAYS_WANTED);
    }

    /**
     * As {@link #process(SensorRecord)}, but asks {@code stillWanted} just before the store: when the caller gave up
     * meanwhile (a cancelled gRPC call, a RabbitMQ channel closed, so the record will be retried or redelivered
     * elsewhere) the store is skipped, counted {@link Stats#abandoned()}, and the future fails with
     * {@link CancellationException}. Only saves work: a store done anyway is harmless, stores are idempotent.
     */
    public CompletableFuture<Processed> process(SensorRecord record, BooleanSupplier stillWanted) {
        received.incrementAndGet();
        var rejection = validator.rejection(record);
        if (rejection.isPresent()) {
            countRejected(rejection.get().field());
            InvalidRecordException invalid = new InvalidRecordException(rejectedId(record), rejection.get().reason());
            return writer.reject(invalid).thenCompose(ignored -> CompletableFuture.failedFuture(invalid));
        }
        CompletableFuture<Processed> result;
        if (delayTimer == null) {
            result = store(record, stillWanted);
        } else {
            long delayNanos;
            synchronized (delayRandom) {
                delayNanos = settings.delay().nextNanos(delayRandom);
            }
            result = new CompletableFuture<>();
            CompletableFuture<Processed> target = result;
            delayTimer.schedule(() -> store(record, stillWanted).whenComplete((value, error) -> {
                if (error == null) {
                    target.complete(value);
                } else {
                    target.completeExceptionally(error);
                }
            }), delayNanos, TimeUnit.NANOSECONDS);
        }
        return result.whenComplete((value, error) -> count(value, error));
    }

    /**
     * Validates, processes and stores records received together (a batch), each on its own: the future completes
     * once every record is stored or rejected, with one {@link Result} per record in their order. Invalid records are
     * counted as rejected and do not fail the others. With no processing delay the batch's coefficients go to the
     * store in one write. Fails with {@link dev.meteo.store.StoreUnavailableException} when the store is down: some,
     * all or none of the records may be stored then, and processing the batch again is safe.
     */
    public CompletableFuture<List<Result>> processAll(List<SensorRecord> records) {
        return processAll(records, ALWAYS_WANTED);
    }

    /** As {@link #processAll(List)}, skipping the store when {@code stillWanted} says no (see {@link #process(SensorRecord, BooleanSupplier)}). */
    public CompletableFuture<List<Result>> processAll(List<SensorRecord> records, BooleanSupplier stillWanted) {
        if (delayTimer != null) {
            return processEachAfterItsDelay(records, stillWanted);
        }
        received.addAndGet(records.size());
        Result[] results = new Result[records.size()];
        List<Coefficient> coefficients = new ArrayList<>(records.size());
        List<Integer> positions = new ArrayList<>(records.size());
        List<CompletableFuture<Void>> rejections = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            SensorRecord record = records.get(i);
            var rejection = validator.rejection(record);
            if (rejection.isPresent()) {
                String reason = rejection.get().reason();
                countRejected(rejection.get().field());
                results[i] = Result.rejected(record, reason);
                rejections.add(writer.reject(new InvalidRecordException(rejectedId(record), reason)));
            } else {
                coefficients.add(coefficientOf(record));
                positions.add(i);
            }
        }
        CompletableFuture<List<StoreOutcome>> stored = writer.storeAll(coefficients, stillWanted);
        return CompletableFuture.allOf(rejections.toArray(CompletableFuture[]::new)).thenCombine(stored, (ignored, outcomes) -> {
            for (int k = 0; k < outcomes.size(); k++) {
                Processed processed = new Processed(coefficients.get(k), outcomes.get(k));
                count(processed, null);
                results[positions.get(k)] = Result.of(records.get(positions.get(k)), processed);
            }
            return List.of(results);
        }).whenComplete((value, error) -> {
            if (error != null) {
                (isAbandoned(error) ? abandoned : failed).addAndGet(coefficients.size());
            }
        });
    }

    private CompletableFuture<List<Result>> processEachAfterItsDelay(List<SensorRecord> records, BooleanSupplier stillWanted) {
        List<CompletableFuture<Result>> each = new ArrayList<>(records.size());
        for (SensorRecord record : records) {
            each.add(process(record, stillWanted).handle((processed, error) -> {
                if (error == null) {
                    return Result.of(record, processed);
                }
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof InvalidRecordException invalid) {
                    return Result.rejected(record, invalid.getMessage());
                }
                throw error instanceof CompletionException completion ? completion : new CompletionException(cause);
            }));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> each.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Counts a message that is not a record at all (a transport could not decode it, or could not handle it at all)
     * as rejected, once per {@code id}: a transport derives the id from the message so that a redelivery is not
     * counted twice. The future completes once the rejection is stored.
     */
    public CompletableFuture<Void> rejectUndecodable(RecordId id, String reason) {
        received.incrementAndGet();
        countRejected(UNDECODABLE);
        return writer.reject(new InvalidRecordException(id, reason));
    }

    /**
     * The identity an invalid record is counted under: its own, except that a record whose sensor id is missing or too
     * long to be a sensor's ({@link RecordValidator#MAX_SENSOR_ID_LENGTH}) belongs to no sensor: it is counted without
     * one (the store keeps such identities apart, for the retention), under a digest of its id and sequence, so that
     * records of two such ids stay apart and a redelivery is recognised.
     */
    static RecordId rejectedId(SensorRecord record) {
        if (record == null) {
            return null;
        }
        String sensorId = record.sensorId() == null ? "" : record.sensorId();
        if (sensorId.length() > RecordValidator.MAX_SENSOR_ID_LENGTH) {
            return new RecordId("", digest(sensorId + "#" + record.sequence()));
        }
        return new RecordId(sensorId, record.sequence());
    }

    private static long digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong() & Long.MAX_VALUE;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private CompletableFuture<Processed> store(SensorRecord record, BooleanSupplier stillWanted) {
        Coefficient coefficient = coefficientOf(record);
        return writer.store(coefficient, stillWanted).thenApply(outcome -> new Processed(coefficient, outcome));
    }

    private static boolean isAbandoned(Throwable error) {
        return error instanceof CancellationException
                || error instanceof CompletionException && error.getCause() instanceof CancellationException;
    }

    private void count(Processed value, Throwable error) {
        if (error != null) {
            (isAbandoned(error) ? abandoned : failed).incrementAndGet();
            return;
        }
        processed.incrementAndGet();
        switch (value.outcome()) {
            case STORED -> stored.incrementAndGet();
            case LATE -> late.incrementAndGet();
            case DUPLICATE -> duplicates.incrementAndGet();
        }
    }

    private void countRejected(String field) {
        rejected.incrementAndGet();
        rejectedByField.computeIfAbsent(field, key -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Records this node rejected, by what was wrong: a field of {@link dev.meteo.model.RecordValidator.Rejection}, or
     * {@value #UNDECODABLE} for a message that is not a record. The values add up to {@link Stats#rejected()}.
     */
    public Map<String, Long> rejectedByField() {
        Map<String, Long> counts = new TreeMap<>();
        rejectedByField.forEach((field, count) -> counts.put(field, count.get()));
        return counts;
    }

    /**
     * The counters under the names every rendering uses: {@code meteo.records.received}, {@code .stored},
     * {@code .late}, {@code .duplicates}, {@code .failed}, and {@code meteo.records.rejected} by {@code field}.
     */
    @Override
    public List<Measurement> measurements() {
        Stats stats = stats();
        List<Measurement> out = new ArrayList<>(List.of(
                Measurement.counter("meteo.records.received", "records handed to this compute server", stats.received()),
                Measurement.counter("meteo.records.stored", "records whose coefficient this server stored in its window",
                        stats.stored()),
                Measurement.counter("meteo.records.late", "records this server stored after their window closed (late)",
                        stats.late()),
                Measurement.counter("meteo.records.duplicates",
                        "records stored before (a retry or a redelivery): not counted again", stats.duplicates()),
                Measurement.counter("meteo.records.failed",
                        "records not stored: store unavailable or server closing (retried)", stats.failed())));
        Map<String, Long> byField = rejectedByField();
        List<String> fields = new ArrayList<>(RecordValidator.Rejection.FIELDS);
        fields.add(UNDECODABLE);
        for (String field : fields) {
            out.add(Measurement.counter("meteo.records.rejected",
                    "records rejected as invalid, by the field at fault ('message': not a record at all)",
                    byField.getOrDefault(field, 0L)).tagged("field", field));
        }
        return out;
    }

    public Stats stats() {
        return new Stats(processed.get(), stored.get(), late.get(), duplicates.get(), rejected.get(), failed.get(),
                received.get(), abandoned.get());
    }

    /** Stops the delay timer (records still waiting fail) and flushes the writer. Does not close the store. */
    @Override
    public void close() {
        if (delayTimer != null) {
            delayTimer.shutdownNow();
        }
        writer.close();
    }
}
