import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: agents, available. ARGV: agentId, state, capacity ('' = keep), skills JSON ('' = keep), now.
 * Sets the agent's state (and capacity/skills when given) and puts it in or out of the available set in
 * the same step, so the set always means "ready with free capacity". An already-available agent keeps
 * its idle position (re-sending ready must not send it to the back).
 * Returns the agent's fields (AGENT_FIELDS order) and its available score.
 */
export const SET_PRESENCE_SCRIPT = `${ROUTING_LUA_HELPERS}
local agents, avail = KEYS[1], KEYS[2]
local id, state, cap_arg, skills, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local prev_state, prev_cap, load, prev_since = unpack(redis.call('HMGET', agents,
  id .. ':state', id .. ':cap', id .. ':load', id .. ':since'))
local cap = cap_arg
if cap == '' then cap = prev_cap or tostring(DEFAULT_CAPACITY) end
local since = now
if prev_state == state and prev_since then since = prev_since end
redis.call('HSET', agents, id .. ':state', state, id .. ':cap', cap, id .. ':load', load or '0', id .. ':since', since)
if skills ~= '' then redis.call('HSET', agents, id .. ':skills', skills) end
refresh_availability(agents, avail, id, now)
return agent_read(agents, avail, id)
`;
