package dev.meteo.grpc.sensor;

import dev.meteo.grpc.Endpoint;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a sensor's {@link GrpcRecordPublisher}.
 *
 * @param balancer       the load balancer's address
 * @param callDeadline   deadline of one attempt; must exceed the longest simulated processing delay plus the store
 * @param giveUpAfter    how long a record is retried in total (while the load balancer is unreachable or has no
 *                       live server) before its future fails
 * @param initialBackoff wait before the first retry; doubled at each retry up to {@code maxBackoff}, with jitter
 * @param maxBackoff     longest wait between two retries
 * @param maxBuffered    records accepted and not yet confirmed (in flight or waiting to be retried); when full,
 *                       {@link GrpcRecordPublisher#publish} fails the new record at once without sending it
 */
public record RecordPublisherSettings(Endpoint balancer, Duration callDeadline, Duration giveUpAfter,
                                      Duration initialBackoff, Duration maxBackoff, int maxBuffered) {

    public static final int DEFAULT_MAX_BUFFERED = 4096;

    public RecordPublisherSettings {
        Objects.requireNonNull(balancer, "balancer");
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
        return new RecordPublisherSettings(balancer, Duration.ofSeconds(20), Duration.ofMinutes(2),
                Duration.ofMillis(100), Duration.ofSeconds(5), DEFAULT_MAX_BUFFERED);
    }

    public RecordPublisherSettings withBalancer(Endpoint newBalancer) {
        return new RecordPublisherSettings(newBalancer, callDeadline, giveUpAfter, initialBackoff, maxBackoff, maxBuffered);
    }

    public RecordPublisherSettings withCallDeadline(Duration newDeadline) {
        return new RecordPublisherSettings(balancer, newDeadline, giveUpAfter, initialBackoff, maxBackoff, maxBuffered);
    }

    public RecordPublisherSettings withGiveUpAfter(Duration newGiveUpAfter) {
        return new RecordPublisherSettings(balancer, callDeadline, newGiveUpAfter, initialBackoff, maxBackoff, maxBuffered);
    }

    public RecordPublisherSettings withBackoff(Duration newInitial, Duration newMax) {
        return new RecordPublisherSettings(balancer, callDeadline, giveUpAfter, newInitial, newMax, maxBuffered);
    }

    public RecordPublisherSettings withMaxBuffered(int newMaxBuffered) {
        return new RecordPublisherSettings(balancer, callDeadline, giveUpAfter, initialBackoff, maxBackoff, newMaxBuffered);
    }
}
