package dev.meteo.store;

import dev.meteo.model.Coefficient;
import dev.meteo.model.RecordId;

import java.util.List;

/**
 * Port: where compute nodes put coefficients. Idempotent by record identity (a record already stored, late or
 * rejected comes back {@link StoreOutcome#DUPLICATE}); a coefficient detected before the proxy's closed horizon is
 * stored as late. Thread-safe.
 */
public interface CoefficientStore extends AutoCloseable {

    /**
     * Stores a batch (pipelined where the implementation can) and returns one outcome per coefficient, in order.
     *
     * @throws StoreUnavailableException when the store cannot be reached; the batch may be partly stored, and storing
     *                                   it again is safe
     */
    List<StoreOutcome> storeAll(List<Coefficient> coefficients);

    /**
     * Counts a rejected record once per identity, keeping the reason; a record already stored (in a window or late)
     * stays so: the first classification wins, so that a retry judged differently (another server's clock) never
     * counts a record twice. Returns whether the rejection was counted.
     */
    boolean recordRejected(RecordId recordId, String reason);

    @Override
    void close();
}
