// Lua for RedisSignInThrottleStore: each script runs atomically, so replicas never lose a count.

/**
 * KEYS: the counters. ARGV: each counter's window in ms, in the same order. INCR, and PEXPIRE only for a
 * counter that has no expiry yet (a new one), so the window is fixed. Returns {count, pttl, count, pttl, …}.
 */
export const THROTTLE_HIT_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[i])
    ttl = tonumber(ARGV[i])
  end
  out[#out + 1] = count
  out[#out + 1] = ttl
end
return out
`;

/** KEYS: the counters. Returns {count, pttl, …}; a missing counter reads as {0, 0}. */
export const THROTTLE_READ_SCRIPT = `
local out = {}
for _, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then ttl = 0 end
  out[#out + 1] = count
  out[#out + 1] = ttl
end
return out
`;
