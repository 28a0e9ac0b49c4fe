/** Indirect mode's terminal: consumes its own durable queue bound to the fanout exchange. */
package dev.meteo.rabbit.terminal;
