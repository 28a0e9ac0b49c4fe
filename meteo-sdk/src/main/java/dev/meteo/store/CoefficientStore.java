package dev.meteo.store;

import dev.meteo.model.Coefficient;
import dev.meteo.model.RecordId;

import java.util.List;

/**
 * Port: where compute nodes put coefficients. Idempotent by record identity; a coefficient detected before the
 * proxy's closed horizon is stored as late. Thread-safe.
 */
public interface CoefficientStore extends AutoCloseable {

    /**
     * Stores a batch (pipelined where the implementation can) and returns one outcome per coefficient, in order.
     *
     * @throws StoreUnavailableException when the store cannot be reached; the batch may be partly stored, and storing
     *                                   it again is safe
     */
    List<StoreOutcome> storeAll(List<Coefficient> coefficients);

    /** Counts a rejected record once per identity, keeping the reason. */
    void recordRejected(RecordId recordId, String reason);

    @Override
    void close();
}
