package dev.meteo.grpc.internal;

import dev.meteo.grpc.Endpoint;
import dev.meteo.grpc.proto.Lease;
import dev.meteo.grpc.proto.Member;
import dev.meteo.grpc.proto.Members;
import dev.meteo.grpc.proto.Registration;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * The registrar's side of a lease (the load balancer for compute servers, the proxy for terminals), written once for
 * both, as {@link PeerRegistration} is for the registering side: a registration is checked (an address the registrar
 * can dial; the registrar's deployment, {@link DeploymentCheck}: another deployment's peer is refused with
 * {@code FAILED_PRECONDITION}), handed to the registrar's own bookkeeping with the end of its lease, and answered
 * with the lease; a listing ({@code ListServers}, {@code ListTerminals}) answers with the registrar's members. What
 * differs between the registrars (which peer is which, what a renewal changes, who is refused) stays in their
 * {@link Peers}.
 *
 * <p>Threading: called on the transport threads; {@link Peers} must be thread-safe.
 */
public final class Registrar {

    private static final Logger LOG = Logger.getLogger(Registrar.class.getName());

    /** Lease end of a member of a static list: it never expires. */
    public static final long FOREVER = Long.MAX_VALUE;

    /** What a registrar keeps of its peers. */
    public interface Peers {
        /**
         * Registers or renews the peer of {@code registration}, at {@code address}, its lease ending at
         * {@code leaseEndNanos} ({@link System#nanoTime()}); returns why it is refused, or {@code null}.
         */
        Status register(Registration registration, Endpoint address, long leaseEndNanos);

        /** The peers as a listing reports them. */
        List<Member> members();
    }

    private final String name;
    private final String peerKind;
    private final String deployment;
    private final Duration lease;
    private final Peers peers;

    /**
     * @param name       the registrar, in messages ("load balancer")
     * @param peerKind   what registers with it, in messages ("compute server")
     * @param deployment the deployment it serves, {@code null} for any
     * @param lease      the lease it grants; a peer renews every third of it
     */
    public Registrar(String name, String peerKind, String deployment, Duration lease, Peers peers) {
        this.name = name;
        this.peerKind = peerKind;
        this.deployment = deployment;
        this.lease = lease;
        this.peers = peers;
    }

    /** Whether a lease ending at {@code leaseEndNanos} has run out at {@code nowNanos}; never for {@link #FOREVER}. */
    public static boolean expired(long leaseEndNanos, long nowNanos) {
        return leaseEndNanos != FOREVER && nowNanos - leaseEndNanos > 0;
    }

    /** A member as a listing reports it; the registrar adds what it knows more (records sent, last window). */
    public static Member.Builder member(String id, String address, boolean live, String problem) {
        return Member.newBuilder().setId(id).setAddress(address).setLive(live).setProblem(problem == null ? "" : problem);
    }

    /** Answers one registration or renewal: the lease, or why it is refused. */
    public void register(Registration request, StreamObserver<Lease> observer) {
        Endpoint address;
        try {
            address = Endpoint.parse(request.getAddress());
        } catch (IllegalArgumentException e) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        Status foreign = DeploymentCheck.refusal(deployment, request, "the " + name, peerKind);
        if (foreign != null) {
            LOG.warning(name + ": refused a " + peerKind + " of another deployment: " + foreign.getDescription());
            observer.onError(foreign.asRuntimeException());
            return;
        }
        Status refused = peers.register(request, address, System.nanoTime() + lease.toNanos());
        if (refused != null) {
            observer.onError(refused.asRuntimeException());
            return;
        }
        observer.onNext(Lease.newBuilder().setTtlMillis(lease.toMillis()).build());
        observer.onCompleted();
    }

    /** Answers a listing with the members now. */
    public void list(StreamObserver<Members> observer) {
        observer.onNext(Members.newBuilder().addAllMembers(peers.members()).build());
        observer.onCompleted();
    }
}
