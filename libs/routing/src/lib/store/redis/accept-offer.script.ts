import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: interactionId, offerId, agentId, now.
 * Only the interaction's current offer, to that agent, before its deadline, wins: the check and the
 * change to assigned are one step, so of two racing accepts (or an accept racing the sweeper) exactly
 * one succeeds. The agent's load is unchanged: the offer already counted.
 * A pending transfer offer (xto/xoffer) is accepted the same way: the interaction moves from its holder to the target.
 * Returns {'accepted'|'already-accepted', fields, transferredFrom (transfers only)} | {'stale', reason}.
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
local xto, xoffer, xdeadline, chan = unpack(redis.call('HMGET', K.ix, iid .. ':xto', iid .. ':xoffer', iid .. ':xdeadline', iid .. ':chan'))
if state == 'assigned' and xto == agent_id and xoffer == offer_id then
  -- A transfer offer: the target takes it over if it still has room; the holder's slot is released.
  if tonumber(xdeadline) <= tonumber(now) then return {'stale', 'offer-expired'} end
  chan = chan or 'public'
  local a = agent_info(K, agent_id)
  if not a.state or a.state == 'offline' or a.load >= a.cap or a.chload[chan] >= a.chcap[chan] then return {'stale', 'target-full'} end
  held_remove(K, agent, iid)
  release_slot(K, agent, chan, now)
  redis.call('HINCRBY', K.agents, agent_id .. ':load', 1)
  redis.call('HINCRBY', K.agents, agent_id .. ':load.' .. chan, 1)
  -- As a dispatched offer: new work sends the agent to the back of the idle order.
  redis.call('ZREM', K.avail, agent_id)
  reindex_agent(K, agent_id, now)
  held_add(K, agent_id, iid)
  redis.call('HSET', K.ix, iid .. ':agent', agent_id, iid .. ':offer', offer_id, iid .. ':updated', now)
  redis.call('HDEL', K.ix, iid .. ':xto', iid .. ':xoffer', iid .. ':xdeadline')
  redis.call('ZREM', K.offers, iid)
  return {'accepted', ix_read(K.ix, iid), agent}
end
if state ~= 'offered' then return {'stale', 'not-offered'} end
if offer ~= offer_id or agent ~= agent_id then return {'stale', 'offer-mismatch'} end
if tonumber(deadline) <= tonumber(now) then return {'stale', 'offer-expired'} end
redis.call('HSET', K.ix, iid .. ':state', 'assigned', iid .. ':updated', now)
redis.call('HDEL', K.ix, iid .. ':deadline')
redis.call('ZREM', K.offers, iid)
return {'accepted', ix_read(K.ix, iid)}
`;
