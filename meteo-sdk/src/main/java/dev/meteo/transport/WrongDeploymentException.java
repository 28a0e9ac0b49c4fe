package dev.meteo.transport;

/**
 * This process and a peer belong to different deployments: a compute server or terminal registering with the load
 * balancer or proxy of another deployment, a compute server whose store holds a deployment that consumes another work
 * queue. It would store records where its deployment never reads them (or show another deployment's windows), so it
 * is refused instead. The message names both deployments and what to change.
 */
public final class WrongDeploymentException extends AccessRefusedException {
    public WrongDeploymentException(String message, Throwable cause) {
        super(message, cause);
    }
}
