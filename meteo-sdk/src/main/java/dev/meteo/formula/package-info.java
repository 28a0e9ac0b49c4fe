/**
 * The assignment's formulas, exact to {@code docs/formulas.md}: the detector that simulates readings and the
 * processor that turns a reading into its coefficient, with their rounding and the simulated processing delay.
 */
package dev.meteo.formula;
