import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(), msg:<messageId>.
 * ARGV: conversationKey, newInteractionId, priority, now, data JSON, requiredSkill ('' = none), dedupeTtlMs,
 * channel ('public' | 'dm'), agingStepMs.
 * Invariants: a messageId is applied at most once (the msg key is checked and set in the same step);
 * a conversation has at most one open interaction (the conversations hash points to it until complete);
 * a queued interaction is in the queue and in its group of the queue index, at one score.
 * A more urgent follow-up raises the open interaction's priority; its age stays the first message's.
 * Returns {'duplicate', id} | {'created'|'appended', id, fields}.
 */
export const UPSERT_INTERACTION_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local msg_key = KEYS[STATE_KEY_COUNT + 1]
local conv_key, new_id, prio, now, data, skill, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local chan, step = ARGV[8], tonumber(ARGV[9])

local seen = redis.call('GET', msg_key)
if seen then return {'duplicate', seen} end

local open = redis.call('HGET', K.conv, conv_key)
if open then
  local state, current = unpack(redis.call('HMGET', K.ix, open .. ':state', open .. ':prio'))
  if state then
    redis.call('HINCRBY', K.ix, open .. ':count', 1)
    redis.call('HSET', K.ix, open .. ':updated', now)
    if prio > tonumber(current) then
      redis.call('HSET', K.ix, open .. ':prio', ARGV[3])
      if state == 'queued' then queue_add(K, open, step) end
    end
    redis.call('SET', msg_key, open, 'PX', ttl)
    return {'appended', open, ix_read(K.ix, open)}
  end
end

if redis.call('HEXISTS', K.ix, new_id .. ':state') == 1 then
  return redis.error_reply('ERR interaction id ' .. new_id .. ' already exists')
end
local fields = {
  new_id .. ':state', 'queued', new_id .. ':prio', ARGV[3], new_id .. ':created', now,
  new_id .. ':count', '1', new_id .. ':data', data, new_id .. ':conv', conv_key, new_id .. ':updated', now,
  new_id .. ':chan', chan,
}
if skill ~= '' then
  table.insert(fields, new_id .. ':skill')
  table.insert(fields, skill)
end
redis.call('HSET', K.ix, unpack(fields))
queue_add(K, new_id, step)
redis.call('HSET', K.conv, conv_key, new_id)
redis.call('SET', msg_key, new_id, 'PX', ttl)
return {'created', new_id, ix_read(K.ix, new_id)}
`;
