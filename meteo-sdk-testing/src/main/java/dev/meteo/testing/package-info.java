/**
 * The contract kit: {@link dev.meteo.testing.PipelineContractTest}, which every transport's test extends, and the
 * test doubles of time and publishing ({@link dev.meteo.testing.MutableClock}, {@link dev.meteo.testing.RecordingPublisher}).
 */
package dev.meteo.testing;
