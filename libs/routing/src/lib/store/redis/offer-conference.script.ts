import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: interactionId, fromAgentId, toAgentId, offerId, now, deadline, maxAgents, reason ('' = none).
 * Conference: only the holder of assigned work invites, one invitation at a time and never beside a pending transfer
 * (the offers set holds one deadline per interaction). The invitee must not be a guest already, the conference must
 * have a place (holder + guests < maxAgents), and the invitee must be known, signed in and have room in the
 * interaction's channel; then the invitation (cto, coffer, cdeadline) is recorded, its deadline put in the offers set
 * for the sweeper and the interaction added to the invitee's held index (its offers after a reload). The invitee's
 * slot is taken only on accept. Refusals change nothing.
 * Returns {'conference-offered', fields} | {'refused', reason} | {'stale', reason}.
 */
export const OFFER_CONFERENCE_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local iid, from_id, to_id, offer_id, now, deadline, max_agents, reason = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), ARGV[8] or ''
local state, agent, chan, xto, cto = unpack(redis.call('HMGET', K.ix, iid .. ':state', iid .. ':agent', iid .. ':chan', iid .. ':xto', iid .. ':cto'))
if not state then return {'stale', 'unknown-interaction'} end
if state ~= 'assigned' then return {'stale', 'not-assigned'} end
if agent ~= from_id then return {'stale', 'not-your-interaction'} end
if xto then return {'stale', 'transfer-pending'} end
if cto then return {'stale', 'invitation-pending'} end
if to_id == from_id then return {'refused', 'invite-self'} end
local guests = guests_of(K, iid)
if list_has(guests, to_id) then return {'refused', 'already-in-conference'} end
if 1 + #guests >= max_agents then return {'refused', 'conference-full'} end
local a = agent_info(K, to_id)
if not a.state then return {'refused', 'unknown-agent'} end
if a.state == 'offline' then return {'refused', 'agent-offline'} end
chan = chan or 'public'
if a.load >= a.cap or a.chload[chan] >= a.chcap[chan] then return {'refused', 'agent-at-capacity'} end
redis.call('HSET', K.ix, iid .. ':cto', to_id, iid .. ':coffer', offer_id, iid .. ':cdeadline', deadline, iid .. ':updated', now)
-- The note rides with the invitation, so the invitee's reads after a reload show it (not only the push).
if reason ~= '' then redis.call('HSET', K.ix, iid .. ':creason', reason) else redis.call('HDEL', K.ix, iid .. ':creason') end
redis.call('ZADD', K.offers, deadline, iid)
held_add(K, to_id, iid)
return {'conference-offered', ix_read(K.ix, iid)}
`;
