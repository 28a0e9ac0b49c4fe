--! keys: ids window:closed window:size window:aggregates wellness:pending pollution:pending counts
--! args: maxRanges
--! include: now.lua aggregates.lua sensors.lua
-- Stores a batch. After the named arguments, five per record: kind label, sensor id, sequence (16 hex digits, see
-- sensors.lua), detection time (ms), coefficient. Returns a code per record: 0 duplicate, 1 stored, 2 late.
-- A sequence the sensor already had classified is a duplicate (the first classification wins, however late the copy
-- comes); otherwise the record is late when detected before the closed horizon, else its coefficient goes into its
-- window's aggregate (into <kind>:pending while no proxy has set the window size yet). Every write comes after the
-- reads, so a store refused by a full Redis changes nothing.
local closed = redis.call('GET', K.window_closed)
closed = closed and tonumber(closed)
local size = tonumber(redis.call('GET', K.window_size) or '0')
local codes = {}
local lateTotal = 0
local pending = {}
for i = 2, #ARGV, 5 do
  local label, sensor, sequence, at, value = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local t = tonumber(at)
  local s = sensorOf(sensor)
  if not claim(s, sequence) then
    codes[#codes + 1] = 0
  elseif closed and t < closed then
    s.late = s.late + 1
    lateTotal = lateTotal + 1
    codes[#codes + 1] = 2
  else
    if size > 0 then
      aggregate(K.window_aggregates, string.format('%d', math.floor(t / size) * size) .. ':' .. label, tonumber(value), t)
    else
      pending[#pending + 1] = {label == 'pollution' and K.pollution_pending or K.wellness_pending,
        sensor .. '#' .. sequence, at .. ':' .. value}
    end
    s.stored = s.stored + 1
    codes[#codes + 1] = 1
  end
end
saveSensors(tonumber(A.maxRanges))
saveAggregates(K.window_aggregates)
for _, p in ipairs(pending) do
  redis.call('HSET', p[1], p[2], p[3])
end
if lateTotal > 0 then
  redis.call('HINCRBY', K.counts, 'late', lateTotal)
end
return codes
