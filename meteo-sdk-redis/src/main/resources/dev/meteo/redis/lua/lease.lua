--! keys: proxy:lease proxy:seen counts
--! args: owner ttl
--! include: now.lua writes-under-oom.lua
-- Takes or renews the lease when it is free, expired (the store's clock) or the caller's own. Also notes when the
-- owner last asked (proxy:seen, entries older than ten minutes trimmed): the standbys are those that ask without
-- getting it. Returns 1 when the caller holds the lease.
redis.call('ZADD', K.proxy_seen, now, A.owner)
redis.call('ZREMRANGEBYSCORE', K.proxy_seen, '-inf', now - 600000)
local owner = redis.call('HGET', K.proxy_lease, 'owner')
local expires = tonumber(redis.call('HGET', K.proxy_lease, 'expires') or '0')
if owner == false or owner == A.owner or expires <= now then
  redis.call('HSET', K.proxy_lease, 'owner', A.owner, 'expires', string.format('%d', now + tonumber(A.ttl)))
  return 1
end
return 0
