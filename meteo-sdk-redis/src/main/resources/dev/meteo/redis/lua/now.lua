-- The store's clock in epoch milliseconds: the one time every process agrees on (needs script effects
-- replication, the default since Redis 5, because a write follows).
local redisTime = redis.call('TIME')
local now = tonumber(redisTime[1]) * 1000 + math.floor(tonumber(redisTime[2]) / 1000)
