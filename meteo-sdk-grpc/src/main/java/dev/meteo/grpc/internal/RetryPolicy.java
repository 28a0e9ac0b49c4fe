package dev.meteo.grpc.internal;

import io.grpc.Status;


/**
 * Which gRPC failures are worth retrying in Meteo (the wait between retries is {@code dev.meteo.internal.Backoff}). A record may be sent again freely because
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
}
