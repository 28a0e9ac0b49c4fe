/**
 * The contract kit: {@link dev.meteo.testing.PipelineContractTest}, which every transport's test extends, and the
 * test doubles of time and publishing ({@link dev.meteo.testing.MutableClock}, {@link dev.meteo.testing.RecordingPublisher}),
 * and the property tests' seeded random input and runner ({@link dev.meteo.testing.Gen}, {@link dev.meteo.testing.Tries}).
 */
package dev.meteo.testing;
