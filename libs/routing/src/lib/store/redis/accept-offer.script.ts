import { ixAt, ixSet, ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: interactionId, offerId, agentId, now.
 * Only the interaction's current offer, to that agent, before its deadline, wins: the check and the
 * change to assigned are one step, so of two racing accepts (or an accept racing the sweeper) exactly
 * one succeeds. The agent's load is unchanged: the offer already counted.
 * A pending transfer offer (xto/xoffer) is accepted the same way: the interaction moves from its holder to the target.
 * An invitation to the conference (cto/coffer) is accepted the same way: the invitee joins the guests, taking a slot.
 * The same accept redelivered (a plain, transfer or conference offer already accepted) is answered already-accepted.
 * Returns {'accepted'|'already-accepted', fields, transferredFrom (transfers only, else false), 1 (a conference join)}
 * | {'stale', reason}.
 */
export const ACCEPT_OFFER_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local iid, offer_id, agent_id, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
-- The whole record once: the fields every path looks at are in it, and a plain accept's reply is it, patched.
local values = ix_read(K.ix, iid)
local state, agent, offer, deadline = values[${ixAt('state')}], values[${ixAt('agent')}], values[${ixAt('offer')}], values[${ixAt('deadline')}]
if not state then return {'stale', 'unknown-interaction'} end
if state == 'assigned' and agent == agent_id and offer == offer_id then
  return {'already-accepted', values}
end
local xto, xoffer, xdeadline, chan = values[${ixAt('xto')}], values[${ixAt('xoffer')}], values[${ixAt('xdeadline')}], values[${ixAt('chan')}]
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
  redis.call('HDEL', K.ix, iid .. ':xto', iid .. ':xoffer', iid .. ':xdeadline', iid .. ':xreason')
  redis.call('ZREM', K.offers, iid)
  return {'accepted', ix_read(K.ix, iid), agent}
end
local cto, coffer, cdeadline = values[${ixAt('cto')}], values[${ixAt('coffer')}], values[${ixAt('cdeadline')}]
if state == 'assigned' and cto == agent_id and coffer == offer_id then
  -- An invitation to the conference: the invitee joins as a guest if it still has room (a slot of its own).
  if tonumber(cdeadline) <= tonumber(now) then return {'stale', 'offer-expired'} end
  chan = chan or 'public'
  local a = agent_info(K, agent_id)
  if not a.state or a.state == 'offline' or a.load >= a.cap or a.chload[chan] >= a.chcap[chan] then return {'stale', 'target-full'} end
  redis.call('HINCRBY', K.agents, agent_id .. ':load', 1)
  redis.call('HINCRBY', K.agents, agent_id .. ':load.' .. chan, 1)
  redis.call('ZREM', K.avail, agent_id)
  reindex_agent(K, agent_id, now)
  held_add(K, agent_id, iid)
  local guests = guests_of(K, iid)
  table.insert(guests, agent_id)
  guests_set(K, iid, guests)
  redis.call('HDEL', K.ix, iid .. ':cto', iid .. ':coffer', iid .. ':cdeadline', iid .. ':creason')
  -- Remember which invitation made it a guest, so this accept redelivered is answered already-accepted.
  local joins = cjson.decode(redis.call('HGET', K.ix, iid .. ':gjoins') or '{}')
  joins[agent_id] = offer_id
  redis.call('HSET', K.ix, iid .. ':gjoins', cjson.encode(joins))
  redis.call('HSET', K.ix, iid .. ':updated', now)
  redis.call('ZREM', K.offers, iid)
  return {'accepted', ix_read(K.ix, iid), false, 1}
end
if state == 'assigned' and (agent == agent_id or list_has(guests_of(K, iid), agent_id)) then
  -- The invitation this agent joined by (a guest, or the holder a guest became by a hand-over), accepted again.
  local joined = redis.call('HGET', K.ix, iid .. ':gjoins')
  if joined and cjson.decode(joined)[agent_id] == offer_id then return {'already-accepted', values} end
end
if state ~= 'offered' then return {'stale', 'not-offered'} end
if offer ~= offer_id or agent ~= agent_id then return {'stale', 'offer-mismatch'} end
if tonumber(deadline) <= tonumber(now) then return {'stale', 'offer-expired'} end
redis.call('HSET', K.ix, iid .. ':state', 'assigned', iid .. ':updated', now)
redis.call('HDEL', K.ix, iid .. ':deadline')
redis.call('ZREM', K.offers, iid)
${ixSet('values', { state: "'assigned'", updated: 'now', deadline: 'false' })}
return {'accepted', values}
`;
