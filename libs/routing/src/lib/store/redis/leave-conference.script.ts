import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: interactionId, agentId, handOverTo ('' = none), now.
 * A guest leaves the conference: out of the guests and its held index, its slot freed. The holder leaves only by
 * handing over to a guest: that guest becomes the holder (it already holds a slot and the interaction in its held
 * index), the previous holder's slot is freed and the interaction leaves its held index. Refusals change nothing.
 * Returns {'left', fields} | {'handed-over', fields} | {'stale', reason}.
 */
export const LEAVE_CONFERENCE_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local iid, agent_id, hand_to, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local state, agent, chan = unpack(redis.call('HMGET', K.ix, iid .. ':state', iid .. ':agent', iid .. ':chan'))
if not state then return {'stale', 'unknown-interaction'} end
if state ~= 'assigned' then return {'stale', 'not-assigned'} end
local guests = guests_of(K, iid)
if list_has(guests, agent_id) then
  -- A guest hands nothing over: only the holder has the interaction to give.
  if hand_to ~= '' then return {'stale', 'not-your-interaction'} end
  guest_leave(K, iid, agent_id, now)
  return {'left', ix_read(K.ix, iid)}
end
if agent ~= agent_id then return {'stale', 'not-your-interaction'} end
if hand_to == '' then return {'stale', 'holder-must-hand-over'} end
if not list_has(guests, hand_to) then return {'stale', 'not-in-conference'} end
held_remove(K, agent_id, iid)
release_slot(K, agent_id, chan or 'public', now)
guests_set(K, iid, list_without(guests, hand_to))
redis.call('HSET', K.ix, iid .. ':agent', hand_to, iid .. ':updated', now)
return {'handed-over', ix_read(K.ix, iid)}
`;
