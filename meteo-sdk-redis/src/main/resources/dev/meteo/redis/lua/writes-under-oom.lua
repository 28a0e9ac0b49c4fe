-- Redis at maxmemory with noeviction refuses a script's first write that can grow memory, and lets the script go on
-- once it has written. This script's writes are a few bytes that keep the deployment moving (a horizon, a result, the
-- lease) and let it trim what frees memory, so it writes first with a command that cannot grow memory.
redis.call('HDEL', K.counts, '-')
