/**
 * What the gRPC roles share: server and channel lifecycle, registration leases, the retry policy. Not API: it can
 * change or disappear in any release.
 */
package dev.meteo.grpc.internal;
