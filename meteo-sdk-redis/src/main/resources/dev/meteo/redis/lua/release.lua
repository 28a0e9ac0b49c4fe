--! keys: proxy:lease
--! args: owner
-- Gives the lease up if A.owner holds it.
if redis.call('HGET', K.proxy_lease, 'owner') == A.owner then
  return redis.call('DEL', K.proxy_lease)
end
return 0
