package dev.meteo.grpc.sensor;

import dev.meteo.grpc.Endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a sensor's {@link GrpcRecordPublisher}.
 *
 * @param balancers      the load balancers' addresses (at least one): calls are spread over the ones that answer
 * @param callDeadline   deadline of one attempt; must exceed the longest simulated processing delay plus the store
 * @param giveUpAfter    how long a record is retried in total (while the load balancer is unreachable or has no
 *                       live server) before its future fails
 * @param initialBackoff wait before the first retry; doubled at each retry up to {@code maxBackoff}, with jitter
 * @param maxBackoff     longest wait between two retries
 * @param maxBuffered    records accepted and not yet confirmed (in flight or waiting to be retried); when full,
 *                       {@link GrpcRecordPublisher#publish} fails the new record at once without sending it
 */
public record RecordPublisherSettings(List<Endpoint> balancers, Duration callDeadline, Duration giveUpAfter,
                                      Duration initialBackoff, Duration maxBackoff, int maxBuffered) {

    public static final int DEFAULT_MAX_BUFFERED = 4096;

    public RecordPublisherSettings {
        balancers = List.copyOf(balancers);
        if (balancers.isEmpty()) {
            throw new IllegalArgumentException("at least one load balancer is needed");
        }
        Objects.requireNonNull(callDeadline, "callDeadline");
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxBuffered < 1) {
            throw new IllegalArgumentException("maxBuffered must be at least 1: " + maxBuffered);
        }
        if (initialBackoff.toMillis() < 1 || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 1 ms <= initialBackoff <= maxBackoff");
        }
    }

    /** 20 s per attempt, retry for 2 min, backoff 100 ms to 5 s, 4096 records buffered. */
    public static RecordPublisherSettings of(Endpoint balancer) {
        return new RecordPublisherSettings(List.of(balancer), Duration.ofSeconds(20), Duration.ofMinutes(2),
                Duration.ofMillis(100), Duration.ofSeconds(5), DEFAULT_MAX_BUFFERED);
    }

    public RecordPublisherSettings withBalancer(Endpoint newBalancer) {
        return withBalancers(List.of(newBalancer));
    }

    /** Several load balancers, all active: calls go round-robin over those that answer. */
    public RecordPublisherSettings withBalancers(List<Endpoint> newBalancers) {
        return new RecordPublisherSettings(newBalancers, callDeadline, giveUpAfter, initialBackoff, maxBackoff, maxBuffered);
    }

    public RecordPublisherSettings withCallDeadline(Duration newDeadline) {
        return new RecordPublisherSettings(balancers, newDeadline, giveUpAfter, initialBackoff, maxBackoff, maxBuffered);
    }

    public RecordPublisherSettings withGiveUpAfter(Duration newGiveUpAfter) {
        return new RecordPublisherSettings(balancers, callDeadline, newGiveUpAfter, initialBackoff, maxBackoff, maxBuffered);
    }

    public RecordPublisherSettings withBackoff(Duration newInitial, Duration newMax) {
        return new RecordPublisherSettings(balancers, callDeadline, giveUpAfter, newInitial, newMax, maxBuffered);
    }

    public RecordPublisherSettings withMaxBuffered(int newMaxBuffered) {
        return new RecordPublisherSettings(balancers, callDeadline, giveUpAfter, initialBackoff, maxBackoff, newMaxBuffered);
    }
}
