/**
 * The mode SPI: {@link dev.meteo.transport.Transport} is what a communication mode implements (one implementation per
 * adapter module) and what every pipeline builder uses, so that launcher, tests and examples share one wiring.
 */
package dev.meteo.transport;
