import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: now, limit.
 * Wrap-ups due (until <= now), earliest first, at most `limit`: each agent still in wrap-up goes back to ready in one
 * step with its place in the available set (idle from now) and its pools; a stale entry (the agent left wrap-up) is
 * dropped. Returns the agents set ready: a list of {agentId, agent fields + available score}.
 */
export const END_WRAP_UPS_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local now = ARGV[1]
local due = redis.call('ZRANGEBYSCORE', K.wrapups, '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, aid in ipairs(due) do
  redis.call('ZREM', K.wrapups, aid)
  if redis.call('HGET', K.agents, aid .. ':state') == 'wrap-up' then
    redis.call('HSET', K.agents, aid .. ':state', 'ready', aid .. ':since', now)
    redis.call('HDEL', K.agents, aid .. ':wrapuntil')
    reindex_agent(K, aid, now)
    table.insert(out, {aid, agent_read(K.agents, K.avail, aid)})
  end
end
return out
`;
