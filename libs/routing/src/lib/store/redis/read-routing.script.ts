import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: interactions, done:<interactionId>. ARGV: interactionId.
 * A live interaction, else a completed one still retained; one script so the answer is consistent.
 * Returns false | fields (INTERACTION_FIELDS order).
 */
export const GET_INTERACTION_SCRIPT = `${ROUTING_LUA_HELPERS}
local values = ix_read(KEYS[1], ARGV[1])
if values[1] then return values end
if redis.call('EXISTS', KEYS[2]) == 0 then return false end
return redis.call('HMGET', KEYS[2], unpack(IX_FIELDS))
`;

/**
 * KEYS: agents, available. ARGV: agentId.
 * Returns false | agent fields (AGENT_FIELDS order) + available score.
 */
export const GET_AGENT_SCRIPT = `${ROUTING_LUA_HELPERS}
local values = agent_read(KEYS[1], KEYS[2], ARGV[1])
if not values[1] then return false end
return values
`;

/**
 * KEYS: agents, available. ARGV: limit.
 * Available agents, longest-idle first: a list of {agentId, fields + available score}.
 */
export const LIST_AVAILABLE_SCRIPT = `${ROUTING_LUA_HELPERS}
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, tonumber(ARGV[1]) - 1)) do
  table.insert(out, {id, agent_read(KEYS[1], KEYS[2], id)})
end
return out
`;

/**
 * KEYS: agents, available, interactions. ARGV: agentId.
 * The agent and what it holds (its held index, each entry re-checked against the interaction's own record: offered or
 * assigned to it, or a transfer offer, an invitation or a conference as a guest), in one
 * consistent read. Returns false | {agent fields (AGENT_FIELDS order) + available score, {interactionId, fields}[]}.
 */
export const GET_AGENT_WORK_SCRIPT = `${ROUTING_LUA_HELPERS}
local id = ARGV[1]
local values = agent_read(KEYS[1], KEYS[2], id)
if not values[1] then return false end
local work = {}
for _, iid in ipairs(decode_list(redis.call('HGET', KEYS[1], id .. ':held'))) do
  local state, agent, xto, cto, guests = unpack(redis.call('HMGET', KEYS[3], iid .. ':state', iid .. ':agent', iid .. ':xto', iid .. ':cto', iid .. ':guests'))
  local mine = agent == id and (state == 'offered' or state == 'assigned')
  -- Assigned to another: a transfer offer or an invitation waiting for this agent, or a conference it is a guest of.
  local concerned = state == 'assigned' and (xto == id or cto == id or list_has(decode_list(guests), id))
  if mine or concerned then table.insert(work, {iid, ix_read(KEYS[3], iid)}) end
end
return {values, work}
`;
