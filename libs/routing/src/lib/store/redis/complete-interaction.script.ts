import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: agents, available, interactions, conversations, done:<interactionId>.
 * ARGV: interactionId, agentId, now, retentionMs.
 * Only the assigned agent completes. In one step: the agent's load - 1 (back in the available set if
 * ready), the conversation no longer points at the interaction (its next message opens a new one), and
 * the record moves out of the live hash into its own key with a TTL so live state does not grow forever.
 * A redelivered complete by the agent who completed it returns the record again, so the router can republish
 * the event its first delivery may not have got out. Returns {'completed' | 'already-completed', fields} |
 * {'stale', reason}.
 */
export const COMPLETE_INTERACTION_SCRIPT = `${ROUTING_LUA_HELPERS}
local agents, avail, ix, conv, done = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local iid, agent_id, now, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local state, agent, conv_key = unpack(redis.call('HMGET', ix, iid .. ':state', iid .. ':agent', iid .. ':conv'))
if not state then
  if redis.call('EXISTS', done) == 1 then
    local previous = redis.call('HMGET', done, unpack(IX_FIELDS))
    if redis.call('HGET', done, 'agent') == agent_id then return {'already-completed', previous} end
    return {'stale', 'already-completed'}
  end
  return {'stale', 'unknown-interaction'}
end
if state ~= 'assigned' then return {'stale', 'not-assigned'} end
if agent ~= agent_id then return {'stale', 'not-your-interaction'} end
release_slot(agents, avail, agent_id, now)
if conv_key and redis.call('HGET', conv, conv_key) == iid then redis.call('HDEL', conv, conv_key) end
redis.call('HSET', ix, iid .. ':state', 'completed', iid .. ':completed', now, iid .. ':updated', now)
local values = ix_read(ix, iid)
local record = {}
for i, name in ipairs(IX_FIELDS) do
  if values[i] then
    table.insert(record, name)
    table.insert(record, values[i])
  end
end
redis.call('DEL', done)
redis.call('HSET', done, unpack(record))
redis.call('PEXPIRE', done, retention)
redis.call('HDEL', ix, unpack(fields_of(iid, IX_FIELDS)))
return {'completed', values}
`;
