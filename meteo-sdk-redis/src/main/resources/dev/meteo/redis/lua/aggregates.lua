-- The running statistics of windows, one hash field per window and kind, "<window start>:<kind>" ->
-- "count mean m2 min max latest": Welford's mean and sum of squared deviations (numerically safe, unlike a sum of
-- squares), doubles printed with 17 significant digits so they read back exactly. aggregate() folds one value into a
-- field (read once per call), saveAggregates() writes the fields it changed.
local aggregates = {}
local function aggregate(hash, field, x, t)
  local a = aggregates[field]
  if not a then
    local packed = redis.call('HGET', hash, field)
    if packed then
      local n, mean, m2, lo, hi, latest = string.match(packed, '^(%S+) (%S+) (%S+) (%S+) (%S+) (%S+)$')
      a = {tonumber(n), tonumber(mean), tonumber(m2), tonumber(lo), tonumber(hi), tonumber(latest)}
    else
      a = {0, 0, 0, x, x, t}
    end
    aggregates[field] = a
  end
  local n = a[1] + 1
  local delta = x - a[2]
  local mean = a[2] + delta / n
  a[1] = n
  a[2] = mean
  a[3] = a[3] + delta * (x - mean)
  if x < a[4] then a[4] = x end
  if x > a[5] then a[5] = x end
  if t > a[6] then a[6] = t end
end
local function saveAggregates(hash)
  for field, a in pairs(aggregates) do
    redis.call('HSET', hash, field, string.format('%d %.17g %.17g %.17g %.17g %d', a[1], a[2], a[3], a[4], a[5], a[6]))
  end
end
