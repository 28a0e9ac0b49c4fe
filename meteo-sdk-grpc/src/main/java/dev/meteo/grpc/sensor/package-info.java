/** Direct mode's record publisher: a sensor's client of the load balancer, with retries and a bounded buffer. */
package dev.meteo.grpc.sensor;
