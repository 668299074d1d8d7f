/**
 * KEYS: the interaction's marks (HASH), the day's counts (HASH `<queue key><counter>` → n).
 * ARGV: mark, unless mark ('' = none), if mark ('' = none), marks TTL ms, day TTL ms, then (field, increment) pairs.
 * The mark, its conditions and the increments in one step, so a redelivery racing its first delivery on another
 * replica counts once. Returns 'counted' | 'duplicate' | 'not-counted'.
 */
export const RECORD_COUNTER_FACT_SCRIPT = `
local marks, day = KEYS[1], KEYS[2]
local added = redis.call('HSETNX', marks, ARGV[1], '1')
redis.call('PEXPIRE', marks, ARGV[4])
if added == 0 then return 'duplicate' end
if ARGV[2] ~= '' and redis.call('HEXISTS', marks, ARGV[2]) == 1 then return 'not-counted' end
if ARGV[3] ~= '' and redis.call('HEXISTS', marks, ARGV[3]) == 0 then return 'not-counted' end
for i = 6, #ARGV, 2 do
  redis.call('HINCRBY', day, ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', day, ARGV[5])
return 'counted'
`;
