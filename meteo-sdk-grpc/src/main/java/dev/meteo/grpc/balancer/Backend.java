package dev.meteo.grpc.balancer;

import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.GrpcTlsSettings;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.internal.Registrar;
import dev.meteo.grpc.proto.ComputeServerGrpc;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthGrpc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** One compute server as the load balancer sees it: its channel (reused by every record) and its lease. */
final class Backend {

    final Endpoint endpoint;
    final ManagedChannel channel;
    final ComputeServerGrpc.ComputeServerStub compute;
    final HealthGrpc.HealthStub health;
    final boolean isStatic;
    volatile String id;
    /** Health checks in a row that got no answer in time. */
    final AtomicInteger missedChecks = new AtomicInteger();
    /** Attempts sent to this server, and those it failed (then retried elsewhere). */
    final AtomicLong calls = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    /** Why it is out of rotation (the last failed health check or call), or {@code null}. */
    volatile String problem;
    /** {@link System#nanoTime()} of the last answer of any kind from this server (a reply, a health check, a renewal). */
    volatile long lastHeardNanos = System.nanoTime();
    /** Attempts sent here and not answered yet: cancelled together when the server falls silent. */
    final Set<Context.CancellableContext> inFlight = ConcurrentHashMap.newKeySet();
    /** {@link System#nanoTime()} at which the lease ends, or {@link Registrar#FOREVER} (a server of the static list). */
    volatile long leaseEndNanos;

    Backend(Endpoint endpoint, String id, boolean isStatic, GrpcTlsSettings tls) {
        this.endpoint = endpoint;
        this.id = id;
        this.isStatic = isStatic;
        this.channel = GrpcServers.channel(endpoint, tls);
        this.compute = ComputeServerGrpc.newStub(channel);
        this.health = HealthGrpc.newStub(channel);
        this.leaseEndNanos = Registrar.FOREVER;
        channel.getState(true); // connect now, so the first record does not pay the handshake
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** Nanoseconds since this server last answered anything. */
    long silentForNanos(long nowNanos) {
        return nowNanos - lastHeardNanos;
    }

    boolean leaseExpired(long nowNanos) {
        return Registrar.expired(leaseEndNanos, nowNanos);
    }

    @Override
    public String toString() {
        return id + "@" + endpoint;
    }
}
