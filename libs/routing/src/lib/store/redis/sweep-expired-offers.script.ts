import { MISSED_OFFER_REASON } from '@perch/contracts';

import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: now, limit, declineMemoryMs, agingStepMs, overflowSkill ('' = none).
 * Offers with deadline <= now (the same bound accept refuses at, so an offer is either accepted or swept,
 * never both), oldest deadline first, at most `limit`: each is declined by timeout (slot released,
 * timeout remembered like a decline, interaction requeued at its original age) and a ready agent (or one in
 * wrap-up: the offer came before it) is set not-ready with reason missed-offer (TaskRouter's TimeoutActivity)
 * and leaves the available set and its pools.
 * Returns a list of {interactionId, offerId, agentId, deadline, setNotReady (0|1), fields, agent fields when set
 * not-ready (else false), 1 for a transfer offer, 2 for an invitation to the conference (then the interaction stays
 * assigned to its holder)}.
 */
export const SWEEP_EXPIRED_OFFERS_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local MISSED_OFFER = '${MISSED_OFFER_REASON}'
local now = tonumber(ARGV[1])
local P = { memory = tonumber(ARGV[3]), step = tonumber(ARGV[4]), overflow = ARGV[5] }
local due = redis.call('ZRANGEBYSCORE', K.offers, '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #due, 2 do
  local iid, deadline = due[i], due[i + 1]
  local state, agent, offer, chan, xto, xoffer, cto, coffer = unpack(redis.call('HMGET', K.ix,
    iid .. ':state', iid .. ':agent', iid .. ':offer', iid .. ':chan', iid .. ':xto', iid .. ':xoffer', iid .. ':cto', iid .. ':coffer'))
  if state == 'assigned' and xto and xoffer then
    -- A transfer not answered in time: it stays with its holder; the silent target is not set not-ready.
    redis.call('HDEL', K.ix, iid .. ':xto', iid .. ':xoffer', iid .. ':xdeadline', iid .. ':xreason')
    redis.call('HSET', K.ix, iid .. ':updated', now)
    redis.call('ZREM', K.offers, iid)
    held_remove(K, xto, iid)
    table.insert(out, {iid, xoffer, xto, deadline, 0, ix_read(K.ix, iid), false, 1})
  elseif state == 'assigned' and cto and coffer then
    -- An invitation not answered in time: as a transfer's, nothing else changes.
    redis.call('HDEL', K.ix, iid .. ':cto', iid .. ':coffer', iid .. ':cdeadline', iid .. ':creason')
    redis.call('HSET', K.ix, iid .. ':updated', now)
    redis.call('ZREM', K.offers, iid)
    held_remove(K, cto, iid)
    table.insert(out, {iid, coffer, cto, deadline, 0, ix_read(K.ix, iid), false, 2})
  elseif state ~= 'offered' or not agent or not offer then
    redis.call('ZREM', K.offers, iid)
  else
    local set_not_ready = 0
    local agent_state = redis.call('HGET', K.agents, agent .. ':state')
    if agent_state == 'ready' or agent_state == 'wrap-up' then
      redis.call('HSET', K.agents, agent .. ':state', 'not-ready', agent .. ':since', now, agent .. ':reason', MISSED_OFFER)
      redis.call('HDEL', K.agents, agent .. ':wrapuntil')
      redis.call('ZREM', K.wrapups, agent)
      set_not_ready = 1
    end
    release_slot(K, agent, chan or 'public', now)
    requeue(K, iid, agent, now, P)
    local presence = false
    if set_not_ready == 1 then presence = agent_read(K.agents, K.avail, agent) end
    table.insert(out, {iid, offer, agent, deadline, set_not_ready, ix_read(K.ix, iid), presence})
  end
end
return out
`;
