import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: agents, available, interactions, queue, offers. ARGV: now, limit.
 * Offers with deadline <= now (the same bound accept refuses at, so an offer is either accepted or swept,
 * never both), oldest deadline first, at most `limit`: each is declined by timeout (slot released,
 * interaction requeued at its original age, agent remembered as decliner) and a ready agent is set
 * not-ready (TaskRouter's TimeoutActivity) and leaves the available set.
 * Returns a list of {interactionId, offerId, agentId, deadline, setNotReady (0|1), fields}.
 */
export const SWEEP_EXPIRED_OFFERS_SCRIPT = `${ROUTING_LUA_HELPERS}
local agents, avail, ix, queue, offers = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now = ARGV[1]
local due = redis.call('ZRANGEBYSCORE', offers, '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #due, 2 do
  local iid, deadline = due[i], due[i + 1]
  local state, agent, offer = unpack(redis.call('HMGET', ix, iid .. ':state', iid .. ':agent', iid .. ':offer'))
  if state ~= 'offered' or not agent or not offer then
    redis.call('ZREM', offers, iid)
  else
    release_slot(agents, avail, agent, now)
    local set_not_ready = 0
    if redis.call('HGET', agents, agent .. ':state') == 'ready' then
      redis.call('HSET', agents, agent .. ':state', 'not-ready', agent .. ':since', now)
      set_not_ready = 1
    end
    redis.call('ZREM', avail, agent)
    requeue(ix, queue, offers, iid, agent, now)
    table.insert(out, {iid, offer, agent, deadline, set_not_ready, ix_read(ix, iid)})
  end
end
return out
`;
