/**
 * The sensor role: {@link dev.meteo.sensor.Sensor} takes a reading every interval and hands it to a
 * {@link dev.meteo.sensor.RecordPublisher}, the port a transport implements.
 */
package dev.meteo.sensor;
