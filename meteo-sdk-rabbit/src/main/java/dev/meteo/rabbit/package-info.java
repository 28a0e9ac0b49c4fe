/**
 * Indirect mode over RabbitMQ (AMQP 0-9-1): {@link dev.meteo.rabbit.RabbitTransport} is the mode, built from
 * {@link dev.meteo.rabbit.RabbitSettings}; {@link dev.meteo.rabbit.RabbitConnections} opens every role's connection.
 * One package per role, and {@code topology} for the queues, exchange and message format they share.
 */
package dev.meteo.rabbit;
