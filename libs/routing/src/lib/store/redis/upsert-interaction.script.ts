import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: interactions, conversations, queue, msg:<messageId>.
 * ARGV: conversationKey, newInteractionId, priority, now, data JSON, requiredSkill ('' = none), dedupeTtlMs.
 * Invariants: a messageId is applied at most once (the msg key is checked and set in the same step);
 * a conversation has at most one open interaction (the conversations hash points to it until complete).
 * A more urgent follow-up raises the open interaction's priority; its age stays the first message's.
 * Returns {'duplicate', id} | {'created'|'appended', id, fields}.
 */
export const UPSERT_INTERACTION_SCRIPT = `${ROUTING_LUA_HELPERS}
local ix, conv, queue, msg_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local conv_key, new_id, prio, now, data, skill, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7]

local seen = redis.call('GET', msg_key)
if seen then return {'duplicate', seen} end

local open = redis.call('HGET', conv, conv_key)
if open then
  local state, current, created = unpack(redis.call('HMGET', ix, open .. ':state', open .. ':prio', open .. ':created'))
  if state then
    redis.call('HINCRBY', ix, open .. ':count', 1)
    redis.call('HSET', ix, open .. ':updated', now)
    if prio > tonumber(current) then
      redis.call('HSET', ix, open .. ':prio', ARGV[3])
      if state == 'queued' then redis.call('ZADD', queue, queue_score(prio, created), open) end
    end
    redis.call('SET', msg_key, open, 'PX', ttl)
    return {'appended', open, ix_read(ix, open)}
  end
end

if redis.call('HEXISTS', ix, new_id .. ':state') == 1 then
  return redis.error_reply('ERR interaction id ' .. new_id .. ' already exists')
end
local fields = {
  new_id .. ':state', 'queued', new_id .. ':prio', ARGV[3], new_id .. ':created', now,
  new_id .. ':count', '1', new_id .. ':data', data, new_id .. ':conv', conv_key, new_id .. ':updated', now,
}
if skill ~= '' then
  table.insert(fields, new_id .. ':skill')
  table.insert(fields, skill)
end
redis.call('HSET', ix, unpack(fields))
redis.call('ZADD', queue, queue_score(prio, now), new_id)
redis.call('HSET', conv, conv_key, new_id)
redis.call('SET', msg_key, new_id, 'PX', ttl)
return {'created', new_id, ix_read(ix, new_id)}
`;
