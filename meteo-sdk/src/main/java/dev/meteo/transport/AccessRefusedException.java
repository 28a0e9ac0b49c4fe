package dev.meteo.transport;

/**
 * A peer this process must reach (a broker, the store, a server) refused its credentials or its permissions, or
 * refused it as a member of another deployment ({@link WrongDeploymentException}). Retrying cannot help: a person has
 * to fix the configuration, so callers that wait for peers stop at this one. The message names the user, the peer
 * (its address, without the password) and what to do.
 */
public class AccessRefusedException extends RuntimeException {
    public AccessRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
