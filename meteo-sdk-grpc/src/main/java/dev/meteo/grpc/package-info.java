/**
 * Direct mode over gRPC: sensors -> load balancer -> compute servers -> Redis, and proxy -> every terminal. One
 * package per role, each role one class with an immutable settings record (the CLI builds these from flags):
 * <ul>
 *   <li>{@code balancer}: {@code GrpcLoadBalancer.start(LoadBalancerSettings.defaults().withPort(p)
 *       [.withStaticServersFrom(file)])};</li>
 *   <li>{@code compute}: {@code GrpcComputeServer.start(ComputeServerSettings.defaults().withPort(p)
 *       .withBalancer(Endpoint.parse("lb:port")), computeNode)}; omit {@code withBalancer} when the load balancer
 *       lists this server in its static file;</li>
 *   <li>{@code proxy}: {@code GrpcProxyPublisher.start(ProxySettings.defaults().withPort(p))}, handed to the core
 *       {@code WindowAggregator} as its {@code WindowResultPublisher};</li>
 *   <li>{@code terminal}: {@code GrpcTerminalServer.start(TerminalServerSettings.defaults()
 *       .withProxy(Endpoint.parse("proxy:port")), terminal)};</li>
 *   <li>{@code sensor}: {@code new GrpcRecordPublisher(RecordPublisherSettings.of(Endpoint.parse("lb:port")))},
 *       handed to the core {@code Sensor};</li>
 *   <li>{@code wire}: the protobuf codec and what the roles share (endpoints, server lifecycle, leases, retries).</li>
 * </ul>
 * Every role is {@code AutoCloseable}; close in the reverse order of start. Servers bind 127.0.0.1 unless told
 * otherwise; port 0 picks a free port, reported by {@code port()}.
 */
package dev.meteo.grpc;
