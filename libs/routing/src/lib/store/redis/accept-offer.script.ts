import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: interactionId, offerId, agentId, now.
 * Only the interaction's current offer, to that agent, before its deadline, wins: the check and the
 * change to assigned are one step, so of two racing accepts (or an accept racing the sweeper) exactly
 * one succeeds. The agent's load is unchanged: the offer already counted.
 * Returns {'accepted'|'already-accepted', fields} | {'stale', reason}.
 */
export const ACCEPT_OFFER_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local iid, offer_id, agent_id, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local state, agent, offer, deadline = unpack(redis.call('HMGET', K.ix,
  iid .. ':state', iid .. ':agent', iid .. ':offer', iid .. ':deadline'))
if not state then return {'stale', 'unknown-interaction'} end
if state == 'assigned' and agent == agent_id and offer == offer_id then
  return {'already-accepted', ix_read(K.ix, iid)}
end
if state ~= 'offered' then return {'stale', 'not-offered'} end
if offer ~= offer_id or agent ~= agent_id then return {'stale', 'offer-mismatch'} end
if tonumber(deadline) <= tonumber(now) then return {'stale', 'offer-expired'} end
redis.call('HSET', K.ix, iid .. ':state', 'assigned', iid .. ':updated', now)
redis.call('HDEL', K.ix, iid .. ':deadline')
redis.call('ZREM', K.offers, iid)
return {'accepted', ix_read(K.ix, iid)}
`;
