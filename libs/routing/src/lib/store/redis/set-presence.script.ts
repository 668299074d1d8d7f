import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: agentId, state, capacity ('' = keep), skills JSON ('' = keep), now,
 * channel limits ('' = keep, 'clear' = none, 'set' = the next two), public limit, dm limit.
 * Sets the agent's state (and limits/skills when given) and, in the same step, its place in the available
 * set (so the set always means "ready with free capacity"), its pool entries and the group counts the
 * overflow rule reads. An already-available agent keeps its idle position (re-sending ready must not send
 * it to the back). Loads are never touched here.
 * Returns the agent's fields (AGENT_FIELDS order) and its available score.
 */
export const SET_PRESENCE_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local id, state, cap_arg, skills, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local channels, cap_public, cap_dm = ARGV[6], ARGV[7], ARGV[8]
local prev_state, prev_cap, load, prev_since = unpack(redis.call('HMGET', K.agents,
  id .. ':state', id .. ':cap', id .. ':load', id .. ':since'))
local cap = cap_arg
if cap == '' then cap = prev_cap or tostring(DEFAULT_CAPACITY) end
local since = now
if prev_state == state and prev_since then since = prev_since end
redis.call('HSET', K.agents, id .. ':state', state, id .. ':cap', cap, id .. ':load', load or '0', id .. ':since', since)
if skills ~= '' then redis.call('HSET', K.agents, id .. ':skills', skills) end
if channels == 'set' then
  redis.call('HSET', K.agents, id .. ':cap.public', cap_public, id .. ':cap.dm', cap_dm)
elseif channels == 'clear' then
  redis.call('HDEL', K.agents, id .. ':cap.public', id .. ':cap.dm')
end
recount_agent(K, id)
reindex_agent(K, id, now)
return agent_read(K.agents, K.avail, id)
`;
