import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: agentId, state, capacity ('' = keep), skills JSON ('' = keep), now,
 * channel limits ('' = keep, 'clear' = none, 'set' = the next two), public limit, dm limit,
 * reason ('' = none; not-ready only), agingStepMs (to queue withdrawn offers again).
 * Sets the agent's state, its not-ready reason (a new reason restarts the time in state) and limits/skills when
 * given and, in the same step, its place in the available set (so the set always means "ready with free capacity"),
 * its pool entries and the group counts the overflow rule reads. Any presence ends a wrap-up. An already-available
 * agent keeps its idle position (re-sending ready must not send it to the back). Loads are untouched, except that
 * offline withdraws the agent's offers (held index): each is queued again at its age with no decline remembered and
 * its slot released; assigned work stays with the agent and is listed; interactions reserved for it (sticky agent) are
 * released to anyone eligible.
 * Returns {agent fields (AGENT_FIELDS order) + available score, withdrawn {interactionId, offerId, fields}[],
 * still-held assigned interaction ids, conferences left as a guest {interactionId, fields}[]}. A guest going offline
 * leaves its conferences (slot freed) in the same step.
 */
export const SET_PRESENCE_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local id, state, cap_arg, skills, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local channels, cap_public, cap_dm = ARGV[6], ARGV[7], ARGV[8]
local reason, step = ARGV[9], ARGV[10]
local prev_state, prev_cap, load, prev_since, prev_reason = unpack(redis.call('HMGET', K.agents,
  id .. ':state', id .. ':cap', id .. ':load', id .. ':since', id .. ':reason'))
local cap = cap_arg
if cap == '' then cap = prev_cap or tostring(DEFAULT_CAPACITY) end
local since = now
if prev_state == state and prev_since and (prev_reason or '') == reason then since = prev_since end
redis.call('HSET', K.agents, id .. ':state', state, id .. ':cap', cap, id .. ':load', load or '0', id .. ':since', since)
if reason ~= '' then
  redis.call('HSET', K.agents, id .. ':reason', reason)
else
  redis.call('HDEL', K.agents, id .. ':reason')
end
redis.call('HDEL', K.agents, id .. ':wrapuntil')
redis.call('ZREM', K.wrapups, id)
if skills ~= '' then redis.call('HSET', K.agents, id .. ':skills', skills) end
if channels == 'set' then
  redis.call('HSET', K.agents, id .. ':cap.public', cap_public, id .. ':cap.dm', cap_dm)
elseif channels == 'clear' then
  redis.call('HDEL', K.agents, id .. ':cap.public', id .. ':cap.dm')
end
recount_agent(K, id)
local withdrawn, kept, left = {}, {}, {}
if state == 'offline' then
  for _, iid in ipairs(decode_list(redis.call('HGET', K.agents, id .. ':held'))) do
    local ix_state, agent, offer, xto, cto = unpack(redis.call('HMGET', K.ix, iid .. ':state', iid .. ':agent', iid .. ':offer', iid .. ':xto', iid .. ':cto'))
    if ix_state == 'assigned' and agent ~= id and list_has(guests_of(K, iid), id) then
      -- A guest signing out leaves the conference: the holder still has the customer.
      guest_leave(K, iid, id, now)
      table.insert(left, {iid, ix_read(K.ix, iid)})
    elseif ix_state == 'assigned' and agent ~= id and (xto == id or cto == id) then
      -- A transfer offer or an invitation waiting for this agent: left to its deadline (accept refuses an offline agent).
    elseif agent ~= id or (ix_state ~= 'offered' and ix_state ~= 'assigned') then
      -- Not (or no longer) the agent's: repair the index.
      held_remove(K, id, iid)
    elseif ix_state == 'assigned' then
      table.insert(kept, iid)
    else
      withdraw_offer(K, iid, id, now, step)
      table.insert(withdrawn, {iid, offer, ix_read(K.ix, iid)})
    end
  end
  -- Returning customers reserved for this agent go to anyone eligible now.
  end_sticky_of(K, id, step)
end
reindex_agent(K, id, now)
return {agent_read(K.agents, K.avail, id), withdrawn, kept, left}
`;
