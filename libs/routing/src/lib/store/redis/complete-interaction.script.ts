import { ixAt, ixSet, ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(), done:<interactionId>, lastAgents, lastSeen. ARGV: interactionId, agentId, now, retentionMs, wrapUpMs
 * (0 = no wrap-up), stickyWindowMs (0 = no sticky agent: nothing remembered).
 * With a sticky window, the customer's last agent (lastAgents, customer → agent; lastSeen, customer → when) is this one.
 * Only the assigned agent completes. In one step: the agent's load - 1 overall and in the interaction's
 * channel (back in the available set and its pools if ready), the conversation no longer points at the
 * interaction (its next message opens a new one), and the record moves out of the live hash into its own
 * key with a TTL so live state does not grow forever. With a wrap-up time, a ready agent (or one already in
 * wrap-up, whose clock restarts) goes into wrap-up until now + wrapUpMs (in wrapups, out of the available set).
 * A redelivered complete by the agent who completed it returns the record again, so the router can republish
 * the event its first delivery may not have got out. Returns {'completed' | 'already-completed', fields, agent fields
 * when it started wrap-up (else false), the pending transfer offer or invitation it dropped ({kind, toAgentId, offerId},
 * else false)} | {'stale', reason}.
 */
export const COMPLETE_INTERACTION_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local done = KEYS[STATE_KEY_COUNT + 1]
local iid, agent_id, now, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local wrap_ms = tonumber(ARGV[5] or '0')
local sticky_window = tonumber(ARGV[6] or '0')
-- The whole record once, with the names it was read by: the record leaves the live hash below, and the reply is it.
local names = fields_of(iid, IX_FIELDS)
local values = redis.call('HMGET', K.ix, unpack(names))
local state, agent, conv_key, chan = values[${ixAt('state')}], values[${ixAt('agent')}], values[${ixAt('conv')}], values[${ixAt('chan')}]
local xto, cto, xoffer, coffer = values[${ixAt('xto')}], values[${ixAt('cto')}], values[${ixAt('xoffer')}], values[${ixAt('coffer')}]
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
local agent_state = redis.call('HGET', K.agents, agent_id .. ':state')
local wrap_up = wrap_ms > 0 and (agent_state == 'ready' or agent_state == 'wrap-up')
if wrap_up then
  local until_ms = int(tonumber(now) + wrap_ms)
  if agent_state ~= 'wrap-up' then redis.call('HSET', K.agents, agent_id .. ':since', now) end
  redis.call('HSET', K.agents, agent_id .. ':state', 'wrap-up', agent_id .. ':wrapuntil', until_ms)
  redis.call('ZADD', K.wrapups, until_ms, agent_id)
end
held_remove(K, agent_id, iid)
release_slot(K, agent_id, chan or 'public', now)
-- The conference ends with it: every guest's slot is freed in the same step (the record keeps who they were).
for _, guest in ipairs(guests_of(K, iid)) do
  held_remove(K, guest, iid)
  release_slot(K, guest, chan or 'public', now)
end
-- A transfer or an invitation still pending dies with the interaction (its target's accept is then stale).
if xto then held_remove(K, xto, iid) end
if cto then held_remove(K, cto, iid) end
redis.call('ZREM', K.offers, iid)
if conv_key and redis.call('HGET', K.conv, conv_key) == iid then redis.call('HDEL', K.conv, conv_key) end
-- Every field it had leaves the live hash (names of absent ones need no HDEL), then the record as completed is kept.
local live = {}
for i, name in ipairs(names) do
  if values[i] then table.insert(live, name) end
end
for _, name in ipairs(fields_of(iid, IX_INTERNAL_FIELDS)) do table.insert(live, name) end
-- As completed, without the transfer offer or invitation it dropped.
${ixSet('values', {
  state: "'completed'", completed: 'now', updated: 'now',
  xto: 'false', xoffer: 'false', xdeadline: 'false', xreason: 'false', cto: 'false', coffer: 'false', cdeadline: 'false', creason: 'false',
})}
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
if sticky_window > 0 then
  local cust = redis.call('HGET', K.ix, iid .. ':cust')
  if cust then
    redis.call('HSET', KEYS[STATE_KEY_COUNT + 2], cust, agent_id)
    redis.call('ZADD', KEYS[STATE_KEY_COUNT + 3], now, cust)
  end
end
redis.call('HDEL', K.ix, unpack(live))
local presence = false
if wrap_up then presence = agent_read(K.agents, K.avail, agent_id) end
-- The pending transfer offer or invitation dropped, so its target can be told: {kind, toAgentId, offerId} or false.
local dropped = false
if xto and xoffer then dropped = {'transfer', xto, xoffer} elseif cto and coffer then dropped = {'conference', cto, coffer} end
return {'completed', values, presence, dropped}
`;
