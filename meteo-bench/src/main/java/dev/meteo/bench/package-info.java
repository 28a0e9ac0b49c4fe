/**
 * {@code meteo bench}, the load harness: runs the pipeline of each mode with every role in its own OS process (the
 * launcher's role commands, started by {@link dev.meteo.process.ChildProcess}), warms it up, measures it, and measures in
 * the same run the limits of the transports on this machine.
 *
 * <h2>How it measures</h2>
 * <ul>
 *   <li>Children rewrite their {@code --status-file} every 250 ms ({@code --status-file-every}): a
 *       {@link dev.meteo.cli.metrics.RoleReport} of their meters, the ones {@code /metrics} serves, stamped with when
 *       they were read; the bench reads them once a second. Rates between two readings use the children's own stamps,
 *       so a file's age does not skew a one-second sample.</li>
 *   <li>accepted = records the sensors' transport confirmed (grpc: stored and answered through the load balancer;
 *       rabbit: persisted by the broker); stored = coefficients the compute servers stored in Redis (not late, not
 *       duplicates). Per measured period: change of the summed counters divided by the wall time.</li>
 *   <li>Latency detection -> stored: the compute servers' timer {@code meteo.record.latency} (each stored record's
 *       store time minus its detection time); window close -> terminal: the terminals' timer
 *       {@code meteo.terminal.window.delay} (receive time minus window end minus the deployment's grace, so 0 is "the
 *       moment the window could close"). Both are the histograms Prometheus scrapes ({@code RoleMetrics.LATENCY_BUCKETS});
 *       the bench adds up the children's, reads them at the start and end of the measured period, subtracts, and reads
 *       the quantiles as Prometheus's {@code histogram_quantile} does (linear inside a bucket).</li>
 *   <li>CPU and memory of each process: {@code utime + stime} of {@code /proc/<pid>/stat} at the start and end of the
 *       measured period (percent of one CPU), and the largest {@code VmRSS} of {@code /proc/<pid>/status} seen in the
 *       per-second samples. The shared Redis and RabbitMQ broker are listed too, marked "(shared)": other users of the
 *       machine count in their figures.</li>
 *   <li>Accounting: after the measured period the sensors stop (and report their final {@code sent}); the bench waits
 *       until every record is in a closed window, late or rejected, then stops the rest. lost = sent - records in the
 *       first terminal's windows - late - rejected (Redis's counts); it holds when lost is 0 and every terminal has
 *       the same records in windows.</li>
 *   <li>Limits and ceilings: for each path, in the same run, the ceiling of every stage it crosses, in records/s, and
 *       the pipeline's stored rate as a ratio to the lowest ({@code ratio_to_lowest_ceiling}): direct unary, the bare
 *       gRPC relay hop (the same sensor processes -> the real load balancer process -> a no-op compute backend,
 *       {@link dev.meteo.bench.RelayBackendCommand}, {@code directExecutor}); direct batched, the same hop with
 *       batches of {@code --batch-size} and the Redis store on its own ({@link dev.meteo.bench.StoreLimit}: the store
 *       script through {@code RedisMeteoStore.storeAll}, batches of the same size, {@code --store-writers} threads of
 *       the bench process, records of many sensors, no gRPC); indirect, RabbitMQ PerfTest 2.22.1 as a child JVM shaped
 *       like the pipeline (producers = sensor processes, consumers = compute servers, {@code -s} = the body bytes of
 *       the pipeline's message, {@code -c} = the sensors' in-flight bound in messages, {@code -q} = the servers'
 *       prefetch, {@code -f persistent}, acked one by one, on a queue of the pipeline's type), its steady received
 *       messages/s (second half of its one-second intervals) times the records per message, and the Redis store.
 *       ratio_to_limit = stored_per_s / the mode's unary limit (the relay hop, PerfTest), as before.</li>
 *   <li>{@code --fault}: half-way through the measured period server-1 is killed (SIGKILL). See {@code fault} below.</li>
 *   <li>Direct mode runs twice ({@code --ingest both}, the default): sensors sending one call per record (unary,
 *       {@code modes.grpc}) and many records per call ({@code meteo sensor --ingest batch}, {@code modes.grpc_batch},
 *       with {@code --batch-max-in-flight} records in flight per sensor, since a call carries many). Both are compared
 *       to the same relay limit, which is a unary one; {@code speedup_vs_unary} is the batched stored rate over the
 *       unary one of the same run.</li>
 *   <li>Redis memory, at the end of the measured period: {@code used_memory} of the whole server (shared) and the
 *       bytes of the run's own keys ({@code MEMORY USAGE <key> SAMPLES 0} over its prefix).</li>
 *   <li>{@code meteo bench scale 10000,30000,100000}: for each mode and each N, a pipeline whose sensors are N
 *       sensors in max(2, ceil(N / {@code --sensors-per-process})) fleet processes ({@code meteo sensor --count
 *       --ingest batch}: direct batches, indirect batch messages) at one reading per {@code --sensor-interval} (1 s)
 *       each; window and grace 2 s, 4 s by default. Each step is held to the goals ({@link dev.meteo.bench.ScaleGoals}).
 *       With {@code --ceilings}, after each step its stages' ceilings shaped like it (grpc: the relay hop with batches
 *       from as many processes, the Redis store; rabbit: PerfTest with the step's records per message, the Redis
 *       store). Its JSON is another document (below).</li>
 *   <li>{@code meteo bench soak}: each mode's pipeline for {@code --duration} at {@code --rate} (or {@code max}),
 *       {@code --ingest unary|batch} in direct mode, sampling what it leaves behind; the stored rate per whole minute
 *       and the last minute over the first ({@link dev.meteo.bench.MinuteRates}, goal 0.9).</li>
 * </ul>
 *
 * <h2>The JSON ({@code --output}, default {@code meteo-data/bench/bench-<timestamp>.json})</h2>
 * The top-level keys are fixed; objects may gain keys. Rates are per second, latencies milliseconds, null where not
 * measured.
 * <pre>
 * {
 *   "generated_at": "2026-11-24T11:07:56Z",                 ISO-8601 instant, start of the run
 *   "machine": {"cpus": 2, "java": "...", "os": "...",
 *               "load_average_start": [1m, 5m, 15m], "load_average_end": [1m, 5m, 15m]},
 *   "settings": {"sensors", "servers", "terminals", "warmup_s", "measure_s", "rate" ("max" or records/s),
 *                "sensor_interval", "max_in_flight_per_sensor", "processing_delay", "window", "grace", "fault",
 *                "limit_warmup_s", "limit_measure_s", "child_jvm_options", "run_id", "logs"},
 *   (throughput's "settings" also has "batch_size", "store_writers")
 *   "limits": {"grpc_relay_per_s": number|null, "rabbit_perftest_per_s": number|null (records/s),
 *              "grpc_relay_batch_per_s": number|null, "redis_store_per_s": number|null,
 *              "grpc_relay", "grpc_relay_batch": {"per_s", "what", "ingest", "batch_size", "max_in_flight_per_sensor",
 *                                                 "sensor_failed", "processes", "samples_per_s"},
 *              "rabbit_perftest": {"per_s" (records/s), "steady_per_s" (messages/s), "records_per_message",
 *                                  "queue_type", "shape": {"producers", "consumers", "message_bytes",
 *                                  "confirm_window", "prefetch"}, "steady_received_per_s", "sending_avg_per_s",
 *                                  "receiving_avg_per_s", "interval_received_per_s", "command"},
 *              "redis_store": {"per_s", "what", "batch_size", "writers", "sensors", "not_stored", "samples_per_s"}},
 *   "modes": {"grpc": MODE|null, "rabbit": MODE|null}           null: mode not run
 * }
 * MODE = {
 *   "sensors", "sensor_processes", "sensor_interval", "ingest" ("unary"|"batch" in direct mode, null in rabbit),
 *   "records_per_s": accepted per second (sensor-confirmed) over the measured period,
 *   "stored_per_s": stored per second over the measured period,
 *   "ratio_to_limit": stored_per_s / the mode's unary limit (null without limits),
 *   "ceilings_per_s": {stage: records/s}: the stages this path crosses (grpc: "grpc_relay"; grpc_batch:
 *       "grpc_relay_batch", "redis_store"; rabbit: "rabbit_perftest", "redis_store"), empty with --no-limits,
 *   "lowest_ceiling": the stage with the lowest, "lowest_ceiling_per_s", "ratio_to_lowest_ceiling": stored_per_s / it
 *       (null when none was measured),
 *   "records_per_message": rabbit: records the sensors had confirmed per message confirmed, measured period (1 for a
 *       record per message), null in grpc,
 *   "latency_ms": {"p50", "p95", "p99"}, "latency_samples": detection -> stored, measured period,
 *   "window_latency_ms": {"p50", "p95", "p99"}, "window_latency_samples": window close (end + grace) -> terminal
 *       (both: percentiles to 3 significant digits, null when there is no sample),
 *   "sent", "lost", "late", "rejected": records over the whole run (warm-up included), lost must be 0,
 *   "accounting_holds": boolean,
 *   "accounting": {"sent", "sensor_failed", "in_windows", "late", "rejected", "records_in_windows_per_terminal",
 *                  "terminals_agree", "drained_in_time", "identity"},
 *   "speedup_vs_unary": modes.grpc_batch only: its stored_per_s / modes.grpc's,
 *   "processes": [{"name", "pid", "cpu_percent" (of one CPU), "rss_mb" (largest), "rss_mb_mean"}],
 *   "max_rss_mb_by_role": {"sensor", "server", "terminal", "proxy", "lb": the largest rss_mb of the role's processes},
 *   "redis_memory": {"used_memory_mb" (the server's, shared), "prefix_memory_mb" (the run's keys), "prefix_keys"},
 *   "fault": null without --fault, else {"recovery_s" (null: not recovered within the period), "recovered", "lost",
 *             "accounting_holds", "killed", "killed_at_measure_s", "pre_kill_per_s", "lowest_after_kill_per_s",
 *             "recovered_at_share", "settled_after_kill_per_s", "settled_s", "definition"},
 *   "samples_per_s": [stored per second, one per measured second],
 *   "warmup_samples_per_s": [the same during the warm-up],
 *   "soak": soak runs only: {"flat", "flat_means", "second_half", "samples", "per_minute_stored_per_s": [mean stored
 *       per second of each whole minute], "last_to_first_minute", "sustained" (>= 0.9; null under two minutes),
 *       "sustained_means"},
 *   "load_average_start_of_measure", "load_average_end_of_measure": [1m, 5m, 15m], "measured_s", "redis_prefix", "logs"
 * }
 * </pre>
 * {@code modes} holds {@code "grpc"}, {@code "grpc_batch"} and {@code "rabbit"}, each MODE or null (not run).
 *
 * <p>Scale mode writes (default {@code meteo-data/bench/scale-<timestamp>.json}):
 * <pre>
 * {
 *   "generated_at", "machine": as above,
 *   "settings": as above, plus "scale_steps": [N...], "sensor_interval", "sensors_per_process_max",
 *               "sensor_processes_per_step": [processes of each step], "ceilings": boolean, "goals": text,
 *   "scale": {"grpc": [STEP...], "rabbit": [STEP...]}     one STEP per N, in order; a mode not run is absent
 * }
 * STEP = MODE plus "offered_per_s": N / sensor_interval,
 *        "goals": {"met": boolean, "missed": ["late 12 > 0", ...], "goals": text}: 0 lost, 0 late, detection ->
 *                 stored p99 <= 1000 ms, window close -> terminal p99 <= 250 ms, every role's largest RSS <= 256 MB
 *                 (a figure not measured misses its goal); ceilings_per_s etc. only with --ceilings
 * </pre>
 *
 * <h2>Reading the figures</h2>
 * At {@code --rate max} a sensor keeps {@code --max-in-flight} records unconfirmed. In grpc a confirmation means
 * stored, so the pipeline is a closed loop and accepted equals stored. In rabbit it means persisted by the broker:
 * the broker accepts faster than the servers consume, the work queue grows, and detection -> stored latency grows
 * with the run (records older than the grace count as late, not lost). For rabbit latency at a steady state, give a
 * {@code --rate} below its stored rate.
 */
package dev.meteo.bench;
