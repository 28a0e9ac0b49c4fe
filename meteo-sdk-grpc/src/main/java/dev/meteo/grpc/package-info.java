/**
 * Direct mode over gRPC: sensors -> load balancer -> compute servers -> Redis, and proxy -> every terminal.
 * {@link dev.meteo.grpc.GrpcTransport} is the mode as one object ({@code GrpcTransport.of(GrpcTransportSettings.of(lb,
 * proxy))}); each role is also usable alone, one package per role, one class with an immutable settings record:
 * <ul>
 *   <li>{@code balancer}: {@code GrpcLoadBalancer.start(LoadBalancerSettings.defaults().withPort(p)
 *       [.withStaticServersFrom(file)])};</li>
 *   <li>{@code compute}: {@code GrpcComputeServer.start(ComputeServerSettings.defaults().withPort(p)
 *       .withBalancer(Endpoint.parse("lb:port")), computeNode)}; omit {@code withBalancer} when the load balancer
 *       lists this server in its static file;</li>
 *   <li>{@code proxy}: {@code GrpcResultPublisher.start(ResultPublisherSettings.defaults().withPort(p))}, handed to
 *       the core {@code WindowAggregator} as its {@code WindowResultPublisher};</li>
 *   <li>{@code terminal}: {@code GrpcTerminalServer.start(TerminalServerSettings.defaults()
 *       .withProxy(Endpoint.parse("proxy:port")), terminal)};</li>
 *   <li>{@code sensor}: {@code GrpcRecordPublisher.open(RecordPublisherSettings.of(Endpoint.parse("lb:port")))},
 *       handed to the core {@code Sensor};</li>
 *   <li>{@code internal}: what the roles share (server lifecycle, registration leases, retries); not API.</li>
 * </ul>
 * The services are in {@code meteo/v1/services.proto} (generated into {@code dev.meteo.grpc.proto}); the messages
 * they carry come from meteo-sdk-proto. Every role is {@code AutoCloseable}; close in the reverse order of start.
 * Servers bind 127.0.0.1 unless told otherwise; port 0 picks a free port, reported by {@code port()}.
 */
package dev.meteo.grpc;
