--! keys: ids counts rejected:recent rejected:sensorless rejected:sensorless:at
--! args: maxRanges sensor sequence id reason
--! include: now.lua sensors.lua
-- Counts a rejection once per identity, never on top of a store or a late record: returns 1 when counted, 0 when the
-- identity was classified before. A record of a sensor is claimed in the sensor's sequences like a store; a message
-- without a sensor (empty sensor id, or not decodable at all: A.id is then derived from its bytes) is kept by id in
-- rejected:sensorless, with the store's time in rejected:sensorless:at for the trim. The last 100 rejections are
-- kept in rejected:recent ("<id> <reason>") for operators.
if A.sensor == '' then
  if redis.call('HEXISTS', K.rejected_sensorless, A.id) == 1 then
    return 0
  end
  redis.call('HSET', K.rejected_sensorless, A.id, A.reason)
  redis.call('ZADD', K.rejected_sensorless_at, now, A.id)
else
  local s = sensorOf(A.sensor)
  if not claim(s, A.sequence) then
    return 0
  end
  s.rejected = s.rejected + 1
  saveSensors(tonumber(A.maxRanges))
end
redis.call('HINCRBY', K.counts, 'rejected', 1)
redis.call('LPUSH', K.rejected_recent, A.id .. ' ' .. A.reason)
redis.call('LTRIM', K.rejected_recent, 0, 99)
return 1
