/** Direct mode's terminal server: receives window results from the proxy, registered with it. */
package dev.meteo.grpc.terminal;
