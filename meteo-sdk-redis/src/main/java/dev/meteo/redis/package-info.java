/**
 * The Redis store: {@link dev.meteo.redis.RedisMeteoStore} implements both store ports with Lua scripts that make every
 * record land in exactly one window or count as late; its keys are listed in {@code docs/redis-keys.md}.
 */
package dev.meteo.redis;
