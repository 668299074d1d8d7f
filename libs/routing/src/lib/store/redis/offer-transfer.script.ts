import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: interactionId, fromAgentId, toAgentId, offerId, now, deadline.
 * Transfer to a named agent: only the holder of assigned work, one pending transfer at a time. The target must be
 * known, signed in and have room in the interaction's channel; then the offer (xto, xoffer, xdeadline) is recorded
 * and its deadline put in the offers set for the sweeper, while the interaction stays assigned to the holder. The
 * target's slot is taken only on accept. Refusals change nothing.
 * Returns {'transfer-offered', fields} | {'refused', reason} | {'stale', reason}.
 */
export const OFFER_TRANSFER_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local iid, from_id, to_id, offer_id, now, deadline = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local state, agent, chan, xto = unpack(redis.call('HMGET', K.ix, iid .. ':state', iid .. ':agent', iid .. ':chan', iid .. ':xto'))
if not state then return {'stale', 'unknown-interaction'} end
if state ~= 'assigned' then return {'stale', 'not-assigned'} end
if agent ~= from_id then return {'stale', 'not-your-interaction'} end
if xto then return {'stale', 'transfer-pending'} end
if to_id == from_id then return {'refused', 'transfer-to-self'} end
local a = agent_info(K, to_id)
if not a.state then return {'refused', 'unknown-agent'} end
if a.state == 'offline' then return {'refused', 'agent-offline'} end
chan = chan or 'public'
if a.load >= a.cap or a.chload[chan] >= a.chcap[chan] then return {'refused', 'agent-at-capacity'} end
redis.call('HSET', K.ix, iid .. ':xto', to_id, iid .. ':xoffer', offer_id, iid .. ':xdeadline', deadline, iid .. ':updated', now)
redis.call('ZADD', K.offers, deadline, iid)
return {'transfer-offered', ix_read(K.ix, iid)}
`;
