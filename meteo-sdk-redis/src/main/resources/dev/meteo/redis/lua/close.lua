--! keys: proxy:lease window:closed window:aggregates window:results counts
--! args: owner start end closeAt
--! include: now.lua fence.lua writes-under-oom.lua
-- Closes [A.start, A.end) once the store's clock has reached A.closeAt, fenced by the lease and the expected horizon,
-- and saves the window's result in the same step, so a closed window always has its result: "v2|start|end|late|
-- <wellness aggregate>|<pollution aggregate>" (an empty field for a kind without records), score = end; the first
-- result saved for a window is kept. Returns 1 when closed, 0 when not due yet.
if now < tonumber(A.closeAt) then
  return 0
end
local closed = redis.call('GET', K.window_closed)
if closed ~= A.start then
  return redis.error_reply('HORIZON is ' .. tostring(closed) .. ', not ' .. A.start)
end
redis.call('SET', K.window_closed, A['end'])
if redis.call('ZCOUNT', K.window_results, A['end'], A['end']) == 0 then
  local late = redis.call('HGET', K.counts, 'late') or '0'
  local wellness = redis.call('HGET', K.window_aggregates, A.start .. ':wellness') or ''
  local pollution = redis.call('HGET', K.window_aggregates, A.start .. ':pollution') or ''
  redis.call('ZADD', K.window_results, A['end'],
    'v2|' .. A.start .. '|' .. A['end'] .. '|' .. late .. '|' .. wellness .. '|' .. pollution)
end
return 1
