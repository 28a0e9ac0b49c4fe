/** Direct mode's load balancer: forwards each record to the next live compute server, retries on another. */
package dev.meteo.grpc.balancer;
