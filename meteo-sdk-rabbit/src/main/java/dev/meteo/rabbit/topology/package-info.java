/** The broker topology of indirect mode (declared in one place) and its message format. */
package dev.meteo.rabbit.topology;
