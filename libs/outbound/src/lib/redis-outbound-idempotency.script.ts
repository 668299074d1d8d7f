// Lua for RedisOutboundIdempotencyStore. Keys share a {commandId} hash tag: one cluster slot.

/**
 * KEYS: result, lease, attempts. ARGV: owner, leaseMs, attemptsTtlMs.
 * Returns {'done', resultJson} | {'claimed', attempt} | {'in-progress', pttl}.
 */
export const CLAIM_SCRIPT = `
local result = redis.call('GET', KEYS[1])
if result then return {'done', result} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local attempt = redis.call('INCR', KEYS[3])
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  return {'claimed', tostring(attempt)}
end
return {'in-progress', tostring(redis.call('PTTL', KEYS[2]))}
`;

/** KEYS: result, lease. ARGV: resultJson, retentionMs. Returns the result that stands (the first one). */
export const COMPLETE_SCRIPT = `
local existing = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[2])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`;

/**
 * KEYS: lease, attempts. ARGV: owner, untouched ('1' or '0'). Drops the lease only if this owner still
 * holds it; an untouched release (X was never asked to act) also takes its attempt back.
 */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[2] == '1' and tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1
`;
