/** Indirect mode's record publisher: persistent messages on the work queue, asynchronous publisher confirms. */
package dev.meteo.rabbit.sensor;
