/**
 * What the gRPC roles share: server and channel lifecycle, registration leases (both sides, each written once:
 * {@link dev.meteo.grpc.internal.PeerRegistration} for the servers that register, {@link dev.meteo.grpc.internal.Registrar}
 * for the load balancer and the proxy they register with), the retry policy. Not API: it can
 * change or disappear in any release.
 */
package dev.meteo.grpc.internal;
