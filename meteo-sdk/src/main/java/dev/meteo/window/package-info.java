/**
 * The proxy role: {@link dev.meteo.window.WindowSpec} is the tumbling event-time window (size, grace, alignment),
 * {@link dev.meteo.window.WindowAggregator} closes windows in order under a lease and publishes each result through a
 * {@link dev.meteo.window.WindowResultPublisher}, the port a transport implements. Semantics: {@code docs/window-semantics.md}.
 */
package dev.meteo.window;
