package dev.meteo.embedded;

/**
 * Redis or RabbitMQ does not answer where configured and no embedded one may (or can) take its place. The message
 * says what to start and which flag or environment variable points elsewhere; print it as is.
 */
public final class ServiceUnavailableException extends IllegalStateException {

    ServiceUnavailableException(String message) {
        super(message);
    }

    ServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
