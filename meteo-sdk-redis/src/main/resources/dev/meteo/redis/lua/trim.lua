--! keys: window:aggregates window:results rejected:sensorless rejected:sensorless:at ids ids:cursor counts
--! args: windowsBefore resultsBefore sensorlessKeep idleAfter chunk
--! include: now.lua writes-under-oom.lua
-- Forgets what the retention no longer needs, a bounded amount per call (the caller repeats while it returns 1):
-- the aggregates of windows starting before A.windowsBefore, the results of windows ending before A.resultsBefore,
-- the identities of sensorless rejections counted A.sensorlessKeep ms ago or more (the store's clock), and retires
-- the sensors idle for A.idleAfter ms or more: each keeps one range, from its first to its last classified sequence (its
-- holes are given up). Nothing here grows memory.
local chunk = tonumber(A.chunk)
local more = 0
local before = tonumber(A.windowsBefore)
local old = {}
for _, field in ipairs(redis.call('HKEYS', K.window_aggregates)) do
  local start = tonumber(string.match(field, '^(-?%d+):'))
  if start and start < before then
    old[#old + 1] = field
    if #old == chunk then
      more = 1
      break
    end
  end
end
if #old > 0 then
  redis.call('HDEL', K.window_aggregates, unpack(old))
end
redis.call('ZREMRANGEBYSCORE', K.window_results, '-inf', '(' .. A.resultsBefore)
local forgotten = redis.call('ZRANGEBYSCORE', K.rejected_sensorless_at, '-inf',
  string.format('%d', now - tonumber(A.sensorlessKeep)), 'LIMIT', 0, chunk)
for _, id in ipairs(forgotten) do
  redis.call('HDEL', K.rejected_sensorless, id)
  redis.call('ZREM', K.rejected_sensorless_at, id)
end
if #forgotten == chunk then
  more = 1
end
-- The sensors are swept a chunk per call, from where the last call stopped (K.ids_cursor): a whole sweep takes
-- (sensors / chunk) trims, and an idle sensor is retired within one sweep of its idle time.
local idleBefore = string.format('%012x', now - tonumber(A.idleAfter))
local page = redis.call('HSCAN', K.ids, redis.call('GET', K.ids_cursor) or '0', 'COUNT', chunk)
redis.call('SET', K.ids_cursor, page[1])
local givenUp = 0
local entries = page[2]
for i = 1, #entries, 2 do
  local packed = entries[i + 1]
  local active, counters, ranges = string.match(packed, '^(%x+)(|[^|]*|[^|]*|[^|]*|)(.*)$')
  if active and #ranges > 32 and active <= idleBefore then
    givenUp = givenUp + #ranges / 32 - 1
    redis.call('HSET', K.ids, entries[i], active .. counters .. string.sub(ranges, 1, 16) .. string.sub(ranges, -16))
  end
end
if givenUp > 0 then
  redis.call('HINCRBY', K.counts, 'holes_given_up', givenUp)
end
return more
