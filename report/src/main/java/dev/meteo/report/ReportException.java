package dev.meteo.report;

/** A report that cannot be built, with a message that says what to fix (a placeholder, a file, a tool). */
public final class ReportException extends RuntimeException {
    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
