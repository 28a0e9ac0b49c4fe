/** Direct mode's result publisher: calls every registered terminal with each window result. */
package dev.meteo.grpc.proxy;
