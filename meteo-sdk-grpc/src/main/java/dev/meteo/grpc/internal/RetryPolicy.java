package dev.meteo.grpc.internal;

import io.grpc.Status;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Which gRPC failures are worth retrying in Meteo, and how long to wait. A record may be sent again freely because
 * stores deduplicate by record identity, so every failure that is about the peer (down, overloaded, too slow, cut by
 * a crash) is retried; failures about the request itself (INVALID_ARGUMENT, UNIMPLEMENTED, ...) are not.
 */
public final class RetryPolicy {

    private RetryPolicy() {
    }

    /** Whether a call that failed with {@code code} may succeed if sent again (here or to another peer). */
    public static boolean isPeerFault(Status.Code code) {
        return switch (code) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNKNOWN -> true;
            default -> false;
        };
    }

    /**
     * Exponential backoff with jitter: the wait before retry number {@code attempt} (0 for the first retry) is a
     * random value between half and all of {@code min(max, initial * 2^attempt)}, so retrying clients spread out.
     */
    public static long backoffMillis(int attempt, long initialMillis, long maxMillis) {
        long ceiling = Math.min(maxMillis, initialMillis << Math.min(attempt, 20));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
