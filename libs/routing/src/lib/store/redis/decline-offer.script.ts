import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: interactionId, offerId, agentId, now, declineMemoryMs, agingStepMs, overflowSkill ('' = none).
 * Only the current offer can be declined (late or repeated declines are stale). In one step: the agent's
 * load - 1 overall and in the interaction's channel (back in the available set and its pools if ready, at
 * the back), the decline is remembered until now + declineMemoryMs, the interaction goes back to the queue
 * at its original age (overflowing when every signed-in agent of its group declined it) and its offer is removed.
 * A pending transfer offer declined by its target leaves the interaction assigned to its holder ('transfer-declined').
 * A pending invitation to the conference declined by its invitee likewise ('conference-declined').
 * Returns {'declined' | 'transfer-declined' | 'conference-declined', fields} | {'stale', reason}.
 */
export const DECLINE_OFFER_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local iid, offer_id, agent_id, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local P = { memory = tonumber(ARGV[5]), step = tonumber(ARGV[6]), overflow = ARGV[7] }
local state, agent, offer, chan = unpack(redis.call('HMGET', K.ix, iid .. ':state', iid .. ':agent', iid .. ':offer', iid .. ':chan'))
if not state then return {'stale', 'unknown-interaction'} end
local xto, xoffer = unpack(redis.call('HMGET', K.ix, iid .. ':xto', iid .. ':xoffer'))
if state == 'assigned' and xto == agent_id and xoffer == offer_id then
  -- A declined transfer: the interaction stays with its holder.
  redis.call('HDEL', K.ix, iid .. ':xto', iid .. ':xoffer', iid .. ':xdeadline', iid .. ':xreason')
  redis.call('HSET', K.ix, iid .. ':updated', now)
  redis.call('ZREM', K.offers, iid)
  held_remove(K, agent_id, iid)
  return {'transfer-declined', ix_read(K.ix, iid)}
end
local cto, coffer = unpack(redis.call('HMGET', K.ix, iid .. ':cto', iid .. ':coffer'))
if state == 'assigned' and cto == agent_id and coffer == offer_id then
  -- A declined invitation: nothing else changes.
  redis.call('HDEL', K.ix, iid .. ':cto', iid .. ':coffer', iid .. ':cdeadline', iid .. ':creason')
  redis.call('HSET', K.ix, iid .. ':updated', now)
  redis.call('ZREM', K.offers, iid)
  held_remove(K, agent_id, iid)
  return {'conference-declined', ix_read(K.ix, iid)}
end
if state ~= 'offered' then return {'stale', 'not-offered'} end
if offer ~= offer_id or agent ~= agent_id then return {'stale', 'offer-mismatch'} end
release_slot(K, agent_id, chan or 'public', now)
requeue(K, iid, agent_id, now, P)
return {'declined', ix_read(K.ix, iid)}
`;
