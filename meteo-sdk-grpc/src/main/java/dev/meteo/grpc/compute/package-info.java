/** Direct mode's compute server: the core compute node behind the gRPC service, registered with the load balancer. */
package dev.meteo.grpc.compute;
