--! keys: proxy:lease window:published counts
--! args: owner end
--! include: now.lua fence.lua writes-under-oom.lua
-- Moves the published horizon to A.end, only forward and only for the lease holder.
local published = tonumber(redis.call('GET', K.window_published) or '0')
if tonumber(A['end']) > published then
  redis.call('SET', K.window_published, A['end'])
end
return 1
