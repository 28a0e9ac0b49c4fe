-- The lease check of the scripts a leader runs: an error unless A.owner holds an unexpired lease (the store's clock).
do
  local owner = redis.call('HGET', K.proxy_lease, 'owner')
  local expires = tonumber(redis.call('HGET', K.proxy_lease, 'expires') or '0')
  if owner ~= A.owner or expires <= now then
    return redis.error_reply('LEASE held by ' .. tostring(owner) .. (owner == A.owner and ' (expired)' or ''))
  end
end
