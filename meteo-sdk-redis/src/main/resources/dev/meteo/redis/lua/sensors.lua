-- What the store keeps per sensor, one field of K.ids (sensor id ->
-- "<last active>|<stored>|<late>|<rejected>|<ranges>"): when a record of it was last classified (the store's time,
-- 12 hex digits of epoch ms), how many of its records were classified each way, and which of its sequences were
-- classified, as a sorted list of disjoint ranges, each 32 characters "<lo><hi>", a bound being 16 hex digits of the
-- sequence with its sign bit flipped, so that the order of the strings is the order of the signed 64-bit numbers
-- (Lua's numbers are doubles and cannot hold every 64-bit sequence). A sensor that sends in order has one range.
-- sensorOf() reads a sensor once per call, claim() and the counters change the copy, saveSensors() writes the
-- sensors that changed.
local sensors = {}
local HEX_NEXT = {['0'] = '1', ['1'] = '2', ['2'] = '3', ['3'] = '4', ['4'] = '5', ['5'] = '6', ['6'] = '7',
  ['7'] = '8', ['8'] = '9', ['9'] = 'a', a = 'b', b = 'c', c = 'd', d = 'e', e = 'f'}

-- The next sequence, or nil after the largest one.
local function successor(h)
  local i = 16
  while i > 0 and string.byte(h, i) == 102 do -- 'f'
    i = i - 1
  end
  if i == 0 then
    return nil
  end
  return string.sub(h, 1, i - 1) .. HEX_NEXT[string.sub(h, i, i)] .. string.rep('0', 16 - i)
end

local function sensorOf(id)
  local s = sensors[id]
  if not s then
    s = {lo = {}, hi = {}, stored = 0, late = 0, rejected = 0, changed = false}
    local packed = redis.call('HGET', K.ids, id)
    if packed then
      local stored, late, rejected, ranges = string.match(packed, '^%x+|(%-?%d+)|(%-?%d+)|(%-?%d+)|(.*)$')
      s.stored, s.late, s.rejected = tonumber(stored), tonumber(late), tonumber(rejected)
      for i = 1, #ranges, 32 do
        s.lo[#s.lo + 1] = string.sub(ranges, i, i + 15)
        s.hi[#s.hi + 1] = string.sub(ranges, i + 16, i + 31)
      end
    end
    sensors[id] = s
  end
  return s
end

-- Adds sequence q to the sensor's classified ones; false when it was there already (a copy of a classified record).
local function claim(s, q)
  local n = #s.lo
  -- i: the last range starting at or before q (0 if none)
  local i = 0
  if n > 0 and s.lo[n] <= q then
    i = n -- in-order arrivals: the last range
  else
    local a, b = 1, n
    while a <= b do
      local m = math.floor((a + b) / 2)
      if s.lo[m] <= q then
        i = m
        a = m + 1
      else
        b = m - 1
      end
    end
  end
  if i > 0 and q <= s.hi[i] then
    return false
  end
  s.changed = true
  local extendsLeft = i > 0 and successor(s.hi[i]) == q
  local extendsRight = i < n and successor(q) == s.lo[i + 1]
  if extendsLeft and extendsRight then
    s.hi[i] = s.hi[i + 1]
    table.remove(s.lo, i + 1)
    table.remove(s.hi, i + 1)
  elseif extendsLeft then
    s.hi[i] = q
  elseif extendsRight then
    s.lo[i + 1] = q
  else
    table.insert(s.lo, i + 1, q)
    table.insert(s.hi, i + 1, q)
  end
  return true
end

-- Writes the sensors that changed. Beyond maxRanges ranges a sensor gives up its lowest hole (the oldest sequences
-- not seen, which no transport can still be confirming: see docs/redis-keys.md), counted in K.counts.
local function saveSensors(maxRanges)
  local givenUp = 0
  local active = string.format('%012x', now)
  for id, s in pairs(sensors) do
    if s.changed then
      while #s.lo > maxRanges do
        s.hi[1] = s.hi[2]
        table.remove(s.lo, 2)
        table.remove(s.hi, 2)
        givenUp = givenUp + 1
      end
      local parts = {active, '|', string.format('%d|%d|%d|', s.stored, s.late, s.rejected)}
      for k = 1, #s.lo do
        parts[#parts + 1] = s.lo[k]
        parts[#parts + 1] = s.hi[k]
      end
      redis.call('HSET', K.ids, id, table.concat(parts))
    end
  end
  if givenUp > 0 then
    redis.call('HINCRBY', K.counts, 'holes_given_up', givenUp)
  end
end
