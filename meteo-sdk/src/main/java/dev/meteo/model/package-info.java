/**
 * The values that travel: a sensor record ({@link dev.meteo.model.RawMeteoData}, {@link dev.meteo.model.RawPollutionData})
 * with its identity ({@link dev.meteo.model.RecordId}), the coefficient computed from it, a window result with its
 * per-kind statistics, and the accounting identity of a run. Immutable records, validated at the edge with a reason a
 * human can read ({@link dev.meteo.model.RecordValidator}; rules in {@code docs/formulas.md}).
 */
package dev.meteo.model;
