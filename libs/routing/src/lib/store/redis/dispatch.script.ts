import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: agents, available, interactions, queue, offers. ARGV: now, offerTimeoutMs, offerId, queueScan, agentScan.
 * Takes the first queued interaction (priority, then age; at most queueScan looked at) that has a fitting
 * agent among the agentScan longest-idle available ones: has the required skill and never declined it.
 * In one step: out of the queue, state offered, deadline in offers, agent load + 1, agent out of the
 * available set when full or re-scored to now (to the back) otherwise.
 * Invariants: only queued interactions are offered (so never two live offers); an agent is re-checked
 * ready with load < capacity before it is given work (so never over capacity), and a member of the
 * available set that fails that check is removed (self-repair).
 * Returns false | {interactionId, agentId, offerId, offeredAt, expiresAt, fields}.
 */
export const DISPATCH_SCRIPT = `${ROUTING_LUA_HELPERS}
local agents, avail, ix, queue, offers = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now = tonumber(ARGV[1])
local deadline = now + tonumber(ARGV[2])
local offer_id = ARGV[3]

local candidates = redis.call('ZRANGE', avail, 0, tonumber(ARGV[5]) - 1)
if #candidates == 0 then return false end
local heads = redis.call('ZRANGE', queue, 0, tonumber(ARGV[4]) - 1)

local fit = {}
local function agent_fit(aid)
  if fit[aid] == nil then
    local state, cap, load, skills = unpack(redis.call('HMGET', agents,
      aid .. ':state', aid .. ':cap', aid .. ':load', aid .. ':skills'))
    if state == 'ready' and cap and tonumber(load or '0') < tonumber(cap) then
      fit[aid] = { cap = tonumber(cap), skills = skills }
    else
      redis.call('ZREM', avail, aid)
      fit[aid] = false
    end
  end
  return fit[aid]
end

local function has_skill(agent, skill)
  if not agent.skills then return false end
  if not agent.skill_set then
    agent.skill_set = {}
    for _, s in ipairs(cjson.decode(agent.skills)) do agent.skill_set[s] = true end
  end
  return agent.skill_set[skill] == true
end

for _, iid in ipairs(heads) do
  local state, skill, declined_raw = unpack(redis.call('HMGET', ix, iid .. ':state', iid .. ':skill', iid .. ':declined'))
  if state ~= 'queued' then
    redis.call('ZREM', queue, iid)
  else
    local declined = {}
    if declined_raw then
      for _, a in ipairs(cjson.decode(declined_raw)) do declined[a] = true end
    end
    for _, aid in ipairs(candidates) do
      if not declined[aid] then
        local agent = agent_fit(aid)
        if agent and (not skill or has_skill(agent, skill)) then
          redis.call('ZREM', queue, iid)
          redis.call('HSET', ix, iid .. ':state', 'offered', iid .. ':agent', aid, iid .. ':offer', offer_id,
            iid .. ':deadline', deadline, iid .. ':updated', ARGV[1])
          redis.call('ZADD', offers, deadline, iid)
          local load = redis.call('HINCRBY', agents, aid .. ':load', 1)
          if load >= agent.cap then
            redis.call('ZREM', avail, aid)
          else
            redis.call('ZADD', avail, 'XX', ARGV[1], aid)
          end
          return {iid, aid, offer_id, ARGV[1], tostring(deadline), ix_read(ix, iid)}
        end
      end
    end
  end
end
return false
`;
