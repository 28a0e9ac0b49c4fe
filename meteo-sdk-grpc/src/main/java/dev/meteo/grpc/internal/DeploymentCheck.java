package dev.meteo.grpc.internal;

import dev.meteo.grpc.proto.Registration;
import io.grpc.Status;

/**
 * A registrar's check that a peer registering with it belongs to the deployment it serves (the load balancer's
 * compute servers, the proxy's terminals): a peer of another deployment is refused with {@code FAILED_PRECONDITION},
 * which its {@link LeaseRenewer} takes as final. Either side not stating a deployment accepts (older peers, embedded
 * roles that name none).
 */
public final class DeploymentCheck {

    private DeploymentCheck() {
    }

    /**
     * Why {@code registration} is refused, or {@code null} when it may register.
     *
     * @param served    the registrar's deployment, or {@code null} for any
     * @param registrar who checks, for the message ("the load balancer")
     * @param peer      what registers, for the message ("compute server")
     */
    public static Status refusal(String served, Registration registration, String registrar, String peer) {
        String stated = registration.getDeployment();
        if (served == null || stated.isEmpty() || stated.equals(served)) {
            return null;
        }
        return Status.FAILED_PRECONDITION.withDescription(registrar + " serves deployment '" + served + "', but "
                + peer + " " + registration.getId() + " at " + registration.getAddress() + " belongs to deployment '"
                + stated + "': give every role of a deployment the same one (the launcher names a deployment by its "
                + "--redis-prefix: start this " + peer + " with --redis-prefix " + served + ")");
    }
}
