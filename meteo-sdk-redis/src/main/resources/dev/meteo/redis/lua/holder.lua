--! keys: proxy:lease
--! include: now.lua
-- The holder of an unexpired lease, or false.
local owner = redis.call('HGET', K.proxy_lease, 'owner')
local expires = tonumber(redis.call('HGET', K.proxy_lease, 'expires') or '0')
if owner and expires > now then
  return owner
end
return false
