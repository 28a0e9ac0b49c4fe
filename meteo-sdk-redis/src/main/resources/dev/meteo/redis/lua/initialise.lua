--! keys: window:closed window:published wellness:pending pollution:pending epoch ids window:size window:aggregates counts window:grace
--! args: horizon size floor epoch grace
--! include: now.lua aggregates.lua sensors.lua
-- The first proxy of a deployment starts the horizons, atomically with stores, so no coefficient can slip in before
-- the horizon between a read and the set. The horizon is A.horizon, never after the last window closed by the store's
-- clock, and earlier if records stored before this (pending, the window size unknown) start an earlier window, but
-- never before A.floor: those detected before it count as late. The pending records are folded into their windows'
-- aggregates. Writes the deployment's window size and grace. Returns the closed horizon (the existing one if it was
-- started already: then only a grace missing, a deployment started before the grace was recorded, is written).
local closed = redis.call('GET', K.window_closed)
if closed then
  redis.call('SETNX', K.window_grace, A.grace)
  return closed
end
local size = tonumber(A.size)
local horizon = math.min(tonumber(A.horizon), math.floor((now - tonumber(A.grace)) / size) * size)
local floor = tonumber(A.floor)
local earliest
local late = 0
for _, label in ipairs({'wellness', 'pollution'}) do
  local pending = K[label .. '_pending']
  local entries = redis.call('HGETALL', pending)
  for i = 1, #entries, 2 do
    local sensor = string.match(entries[i], '^(.*)#[^#]*$') or entries[i]
    local at, value = string.match(entries[i + 1], '^([^:]*):(.*)$')
    local t = tonumber(at)
    if t < floor then
      late = late + 1
      local s = sensorOf(sensor)
      s.stored = s.stored - 1
      s.late = s.late + 1
      s.changed = true
    else
      aggregate(K.window_aggregates, string.format('%d', math.floor(t / size) * size) .. ':' .. label, tonumber(value), t)
      if not earliest or t < earliest then
        earliest = t
      end
    end
  end
  redis.call('DEL', pending)
end
if late > 0 then
  redis.call('HINCRBY', K.counts, 'late', late)
end
if earliest and math.floor(earliest / size) * size < horizon then
  horizon = math.floor(earliest / size) * size
end
saveAggregates(K.window_aggregates)
saveSensors(1e9)
local value = string.format('%d', horizon)
redis.call('SET', K.window_closed, value)
redis.call('SETNX', K.window_published, value)
redis.call('SETNX', K.epoch, A.epoch)
redis.call('SET', K.window_size, A.size)
redis.call('SET', K.window_grace, A.grace)
return value
