// Lua for RedisTokenRevocationStore.

/** KEYS: the agent's not-before key. ARGV: issuedUpTo, rememberForMs. Only ever moves the cut-off later. */
export const REVOKE_ALL_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;
