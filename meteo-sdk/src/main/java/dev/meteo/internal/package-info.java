/**
 * Plumbing every Meteo module shares (threads, backoff, trouble logging), as OpenTelemetry's {@code sdk.internal}.
 * Not API: it can change or disappear in any release; do not use it from outside Meteo.
 */
package dev.meteo.internal;
