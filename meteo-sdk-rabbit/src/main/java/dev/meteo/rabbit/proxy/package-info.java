/** Indirect mode's result publisher: each window once to the fanout exchange, confirmed by the broker. */
package dev.meteo.rabbit.proxy;
