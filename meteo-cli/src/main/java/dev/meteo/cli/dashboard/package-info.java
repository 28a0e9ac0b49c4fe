/**
 * What a terminal does with the windows it receives: the full-screen ANSI dashboard, the HTTP page with its live chart,
 * and the JSON-lines file every run is checked against.
 */
package dev.meteo.cli.dashboard;
