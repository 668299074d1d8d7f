import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: interactionId, agentId, now, declineMemoryMs, agingStepMs, overflowSkill ('' = none).
 * Transfer to the queue: only the agent the interaction is assigned to may. In one step the agent's slot is
 * released, the interaction goes back to the queue at its original age with the transfer remembered like a decline
 * (so it goes to someone else first), and it leaves the agent's held list. Refusals change nothing.
 * Returns {'transferred', fields} | {'stale', reason}.
 */
export const TRANSFER_TO_QUEUE_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local iid, agent_id, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local P = { memory = tonumber(ARGV[4]), step = tonumber(ARGV[5]), overflow = ARGV[6] }
local state, agent, chan, xto, cto, guests = unpack(redis.call('HMGET', K.ix, iid .. ':state', iid .. ':agent', iid .. ':chan', iid .. ':xto', iid .. ':cto', iid .. ':guests'))
if not state then return {'stale', 'unknown-interaction'} end
if state ~= 'assigned' then return {'stale', 'not-assigned'} end
if agent ~= agent_id then return {'stale', 'not-your-interaction'} end
if xto then return {'stale', 'transfer-pending'} end
if guests then return {'stale', 'in-conference'} end
if cto then return {'stale', 'invitation-pending'} end
release_slot(K, agent_id, chan or 'public', now)
requeue(K, iid, agent_id, now, P)
return {'transferred', ix_read(K.ix, iid)}
`;
