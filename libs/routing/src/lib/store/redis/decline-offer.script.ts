import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: agents, available, interactions, queue, offers. ARGV: interactionId, offerId, agentId, now.
 * Only the current offer can be declined (late or repeated declines are stale). In one step: the agent's
 * load - 1 (back in the available set if ready, at the back), the agent is remembered as a decliner, the
 * interaction goes back to the queue at its original age and its offer is removed.
 * Returns {'declined', fields} | {'stale', reason}.
 */
export const DECLINE_OFFER_SCRIPT = `${ROUTING_LUA_HELPERS}
local agents, avail, ix, queue, offers = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local iid, offer_id, agent_id, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local state, agent, offer = unpack(redis.call('HMGET', ix, iid .. ':state', iid .. ':agent', iid .. ':offer'))
if not state then return {'stale', 'unknown-interaction'} end
if state ~= 'offered' then return {'stale', 'not-offered'} end
if offer ~= offer_id or agent ~= agent_id then return {'stale', 'offer-mismatch'} end
release_slot(agents, avail, agent_id, now)
requeue(ix, queue, offers, iid, agent_id, now)
return {'declined', ix_read(ix, iid)}
`;
