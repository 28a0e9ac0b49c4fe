/**
 * Zero set-up for the demo: an embedded Redis (a real redis-server from the jar) and an embedded AMQP 0-9-1 broker
 * (Apache Qpid Broker-J, in this JVM) that stand in for the configured ones when those do not answer.
 * {@link dev.meteo.embedded.EmbeddedServices} is the entry point.
 */
package dev.meteo.embedded;
