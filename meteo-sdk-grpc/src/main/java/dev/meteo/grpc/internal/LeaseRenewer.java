package dev.meteo.grpc.internal;

import dev.meteo.grpc.proto.Lease;
import dev.meteo.grpc.proto.Registration;
import dev.meteo.internal.DaemonThreadFactory;
import dev.meteo.internal.TroubleLog;
import dev.meteo.transport.WrongDeploymentException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The registering side of a lease (a compute server with the load balancer, a terminal with the proxy): registers at
 * once, then renews every third of the granted lease, so two renewals may be lost before the lease ends. While the
 * registrar is unreachable it retries every {@code retryInterval}, logging once when the trouble starts and once when
 * it ends. A registrar that serves another deployment ({@code FAILED_PRECONDITION}) before the first registration is
 * accepted ends it: {@link #registered()} fails with {@link WrongDeploymentException} and nothing is retried (a
 * refusal after that means the registrar was restarted with other settings: it is logged and retried). Closing stops
 * renewing and deregisters nothing: the registrar drops the peer when its lease runs out, which is also what happens
 * after a crash.
 */
public final class LeaseRenewer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaseRenewer.class.getName());
    private static final long MIN_RENEW_MILLIS = 20;

    /** One registration call: the implementation sets its own deadline and reports to the observer. */
    @FunctionalInterface
    public interface RegisterCall {
        void register(Registration registration, StreamObserver<Lease> observer);
    }

    private final String description;
    private final Supplier<Registration> registration;
    private final Runnable onFailure;
    private final RegisterCall call;
    private final Duration retryInterval;
    private final ScheduledExecutorService timer;
    private final CompletableFuture<Void> firstRegistration = new CompletableFuture<>();
    private final TroubleLog trouble;
    private volatile boolean closed;

    /**
     * @param description   who registers where, for logs ("terminal t1 with the proxy at 127.0.0.1:7000")
     * @param registration  what to send at each attempt (a terminal's includes the last window it holds)
     * @param retryInterval wait between attempts while the registrar cannot be reached
     * @param onFailure     runs after a failed attempt (reconnect at the retry pace rather than gRPC's backoff)
     */
    public LeaseRenewer(String description, Supplier<Registration> registration, RegisterCall call,
                        Duration retryInterval, Runnable onFailure) {
        this.description = description;
        this.registration = registration;
        this.onFailure = onFailure;
        this.call = call;
        this.retryInterval = retryInterval;
        this.trouble = new TroubleLog(
                problem -> LOG.warning(description + ": cannot register: " + problem + " (retrying every "
                        + retryInterval.toMillis() + " ms)"),
                () -> LOG.info(description + ": registered again"), TroubleLog.QUIET_PERIOD);
        this.timer = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("lease-" + registration.get().getId()));
    }

    /** Registers now and keeps renewing until closed. */
    public LeaseRenewer start() {
        timer.execute(this::attempt);
        return this;
    }

    /** Completes when the first registration is acknowledged. */
    public CompletableFuture<Void> registered() {
        return firstRegistration;
    }

    private void attempt() {
        if (closed) {
            return;
        }
        call.register(registration.get(), new StreamObserver<>() {
            @Override
            public void onNext(Lease lease) {
                trouble.recovered();
                firstRegistration.complete(null);
                schedule(Math.max(MIN_RENEW_MILLIS, lease.getTtlMillis() / 3));
            }

            @Override
            public void onError(Throwable error) {
                Status status = Status.fromThrowable(error);
                if (status.getCode() == Status.Code.FAILED_PRECONDITION && !firstRegistration.isDone()) {
                    LOG.severe(description + ": refused: " + status.getDescription());
                    firstRegistration.completeExceptionally(new WrongDeploymentException(description + ": refused: "
                            + status.getDescription(), error));
                    return; // another deployment's registrar: no retry makes it this one's
                }
                if (!closed) {
                    trouble.problem(status.getCode() + " " + status.getDescription());
                    onFailure.run();
                }
                schedule(retryInterval.toMillis());
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    private void schedule(long delayMillis) {
        if (closed) {
            return;
        }
        try {
            timer.schedule(this::attempt, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** Stops renewing; the lease runs out on its own. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
