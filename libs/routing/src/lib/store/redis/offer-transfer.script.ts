import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: interactionId, fromAgentId, toAgentId, offerId, now, deadline, reason ('' = none).
 * Transfer to a named agent: only the holder of assigned work, one pending transfer at a time. The target must be
 * known, signed in and have room in the interaction's channel; then the offer (xto, xoffer, xdeadline) is recorded
 * and its deadline put in the offers set for the sweeper, while the interaction stays assigned to the holder. The
 * target's slot is taken only on accept. The interaction joins the target's held index (its offers after a reload).
 * Refused while a conference has guests or an invitation pending. Refusals change nothing.
 * Returns {'transfer-offered', fields} | {'refused', reason} | {'stale', reason}.
 */
export const OFFER_TRANSFER_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local iid, from_id, to_id, offer_id, now, deadline, reason = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7] or ''
local state, agent, chan, xto, cto, guests = unpack(redis.call('HMGET', K.ix, iid .. ':state', iid .. ':agent', iid .. ':chan', iid .. ':xto', iid .. ':cto', iid .. ':guests'))
if not state then return {'stale', 'unknown-interaction'} end
if state ~= 'assigned' then return {'stale', 'not-assigned'} end
if agent ~= from_id then return {'stale', 'not-your-interaction'} end
if xto then return {'stale', 'transfer-pending'} end
-- A conference first ends (or its invitation is answered): one live offer, one set of participants at a time.
if guests then return {'stale', 'in-conference'} end
if cto then return {'stale', 'invitation-pending'} end
if to_id == from_id then return {'refused', 'transfer-to-self'} end
local a = agent_info(K, to_id)
if not a.state then return {'refused', 'unknown-agent'} end
if a.state == 'offline' then return {'refused', 'agent-offline'} end
chan = chan or 'public'
if a.load >= a.cap or a.chload[chan] >= a.chcap[chan] then return {'refused', 'agent-at-capacity'} end
redis.call('HSET', K.ix, iid .. ':xto', to_id, iid .. ':xoffer', offer_id, iid .. ':xdeadline', deadline, iid .. ':updated', now)
-- The reason rides with the offer, so the target's reads after a reload show it (not only the push).
if reason ~= '' then redis.call('HSET', K.ix, iid .. ':xreason', reason) else redis.call('HDEL', K.ix, iid .. ':xreason') end
redis.call('ZADD', K.offers, deadline, iid)
-- In the target's held index, so its pending offers are read back after a reload (GET /api/agents/me/offers).
held_add(K, to_id, iid)
return {'transfer-offered', ix_read(K.ix, iid)}
`;
