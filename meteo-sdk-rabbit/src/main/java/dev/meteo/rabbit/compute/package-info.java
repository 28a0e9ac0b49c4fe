/** Indirect mode's compute server: consumes the work queue, acknowledges once stored, dead-letters invalid input. */
package dev.meteo.rabbit.compute;
