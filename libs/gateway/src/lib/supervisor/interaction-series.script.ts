/**
 * KEYS: the interaction's marks (HASH), the bucket's hour (HASH `<bucket index>:<counter>` → n).
 * ARGV: mark, marks TTL ms, hour TTL ms, then (field, increment) pairs.
 * The mark and the increments in one step, so a redelivery racing its first delivery on another replica counts
 * once. Returns 1 when counted, 0 for a duplicate.
 */
export const RECORD_SERIES_FACT_SCRIPT = `
local marks, hour = KEYS[1], KEYS[2]
local added = redis.call('HSETNX', marks, ARGV[1], '1')
redis.call('PEXPIRE', marks, ARGV[2])
if added == 0 then return 0 end
if #ARGV < 4 then return 1 end
for i = 4, #ARGV, 2 do
  redis.call('HINCRBY', hour, ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', hour, ARGV[3])
return 1
`;
