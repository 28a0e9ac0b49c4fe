/**
 * The store ports: {@link dev.meteo.store.CoefficientStore} (what compute nodes write, idempotent by record identity)
 * and {@link dev.meteo.store.WindowStore} (what the proxy needs: lease, horizons, window contents). The Redis
 * implementation is in the meteo-sdk-redis module.
 */
package dev.meteo.store;
