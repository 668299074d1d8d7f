import { ixAt, ixSet, ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(). ARGV: now, offerTimeoutMs, offerId.
 * Finds the best pair: the waiting interaction with the lowest (score, id) that some available agent may
 * take, and among those agents the best-matching (highest level in the skill that makes it eligible), then the
 * longest-idle (idle time, id): a pool's lex order is exactly that (tier, idle, id). Complete and bounded by what can be
 * skipped, never by a window:
 * - only groups with waiting work are looked at, in the order of their heads; a group whose pool is empty
 *   (nobody available may take its work) costs at most two range reads (skill mismatch costs next to nothing); a
 *   level group (`<skill>=<level>`) reads its skill's pool down to that level's tier only, so one whose best available
 *   agent is below the level costs the same; a sticky group (`=<agentId>`) checks that one agent;
 * - within a group, interactions are walked best first, from the head already read (further pages only when
 *   heads are skipped); one is skipped only when every pool member it fetched (remembered decliners + 1)
 *   declined it, so the skips are bounded by remembered declines;
 * - a group's walk stops as soon as it cannot beat the best pair found so far, and the search stops at the
 *   first group whose head cannot.
 * In one step: out of the queue and its groups, state offered, deadline in offers, in the agent's held index, agent load + 1 overall
 * and in the channel, the agent out of the available set when full or re-scored to now (to the back)
 * otherwise, and its pool entries rewritten.
 * Invariants: only queued interactions are offered (so never two live offers); the agent is re-checked
 * ready with load < capacity and room in the channel before it is given work (so never over capacity);
 * an index entry that fails that check is repaired and the search runs again.
 * Returns false | {interactionId, agentId, offerId, offeredAt, expiresAt, fields}.
 */
export const DISPATCH_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local now = tonumber(ARGV[1])
local deadline = now + tonumber(ARGV[2])
local offer_id = ARGV[3]
local PAGE = 50

if redis.call('ZCARD', K.avail) == 0 then return false end

local function better(a, b)
  if b == nil then return true end
  if a.score ~= b.score then return a.score < b.score end
  if a.iid ~= b.iid then return bytes_lt(a.iid, b.iid) end
  if a.tier ~= b.tier then return a.tier < b.tier end
  if a.idle ~= b.idle then return a.idle < b.idle end
  return bytes_lt(a.aid, b.aid)
end

-- (score, id) of a queue member that cannot beat the best pair found so far (a tie on the same interaction can:
-- reached through its overflow group, it may have a higher-level or longer-idle agent there).
local function beaten(score, iid, best)
  return best ~= nil and (score > best.score or (score == best.score and iid ~= best.iid and bytes_lt(best.iid, iid)))
end

-- The agent a sticky group is reserved for, when ready with room overall and in the channel (else nil), with its
-- levels and idle time.
local function sticky_agent(aid, chan)
  local idle = redis.call('ZSCORE', K.avail, aid)
  if not idle then return nil end
  local a = agent_info(K, aid)
  if a.state ~= 'ready' or a.load >= a.cap or a.chload[chan] >= a.chcap[chan] then return nil end
  a.idle = tonumber(idle)
  return a
end

-- The sticky agent's match for a reserved interaction (as a pool's tier would rank it): its level in the required
-- skill when at the minimum, 0 when nothing is required; nil when it does not qualify (its skills changed since).
local function sticky_match(a, iid)
  local skill, lvl = unpack(redis.call('HMGET', K.ix, iid .. ':skill', iid .. ':lvl'))
  if not skill then return 0 end
  local level = a.levels[skill] or 0
  if level >= tonumber(lvl or '1') and level > 0 then return level end
  return nil
end

local function search()
  local groups = {}
  local raw = redis.call('HGETALL', K.qgroups)
  for i = 1, #raw, 2 do
    local g = raw[i]
    if tonumber(raw[i + 1]) > 0 then
      local head = lex_range(K.qidx, g, 0, 1)[1]
      if head then
        local score, iid = split_member(head, g)
        table.insert(groups, { g = g, score = score, iid = iid, head = head })
      end
    end
  end
  table.sort(groups, function(a, b)
    if a.score ~= b.score then return a.score < b.score end
    return bytes_lt(a.iid, b.iid)
  end)

  local best = nil
  for _, group in ipairs(groups) do
    -- Groups are in head order: once a head cannot beat the best pair, no later group's can.
    if beaten(group.score, group.iid, best) then break end
    local g = group.g
    local t = group_target(g)
    -- A sticky group (work reserved for one agent): walked only when that agent is ready with room in the channel.
    local sa = nil
    if t.sticky then sa = sticky_agent(t.sticky, t.chan) end
    -- The head is known already; further members are fetched a page at a time, only when heads are skipped.
    local page, pos, offset = { group.head }, 1, 1
    while (not t.sticky) or sa do
      local member = page[pos]
      if not member then
        page = lex_range(K.qidx, g, offset, PAGE)
        if #page == 0 then break end
        pos, offset = 1, offset + #page
        member = page[1]
      end
      local score, iid = split_member(member, g)
      -- Later members of this group score the same or worse: stop once they cannot beat the best.
      if beaten(score, iid, best) then break end
      local declined, n = live_declines(K, iid, now)
      local found = false
      if t.sticky then
        local match = sticky_match(sa, iid)
        if match and not declined[t.sticky] then
          local pair = { score = score, iid = iid, tier = MAX_LEVEL - match, idle = sa.idle, aid = t.sticky, member = member, g = g }
          if better(pair, best) then best = pair end
          found = true
        end
      else
        local candidates = lex_range(K.pools, t.pool, 0, n + 1)
        -- Nobody available may take this group's work (at its level: the pool is best level first): the whole group is
        -- skipped.
        if #candidates == 0 or split_pool_member(candidates[1], t.pool) > t.max_tier then break end
        for _, candidate in ipairs(candidates) do
          local lvl_tier, idle, aid = split_pool_member(candidate, t.pool)
          -- Below the group's level from here on: every remaining agent fetched is too.
          if lvl_tier > t.max_tier then break end
          if not declined[aid] then
            local pair = { score = score, iid = iid, tier = lvl_tier, idle = idle, aid = aid, member = member, g = g }
            if better(pair, best) then best = pair end
            found = true
            break
          end
        end
      end
      if found then break end
      pos = pos + 1
    end
  end
  return best
end

for _ = 1, 3 do
  local best = search()
  if not best then return false end
  local iid, aid = best.iid, best.aid
  -- The whole record: the offer's reply is it, patched, rather than read again once written.
  local values = ix_read(K.ix, iid)
  local state, chan = values[${ixAt('state')}], values[${ixAt('chan')}] or 'public'
  local a = agent_info(K, aid)
  if state == 'queued' and a.state == 'ready' and a.load < a.cap and a.chload[chan] < a.chcap[chan] then
    queue_remove(K, iid)
    -- A sticky reservation is used by this offer (or not needed): a decline or a timeout sends it to anyone eligible.
    redis.call('HDEL', K.ix, iid .. ':stickyuntil')
    redis.call('HSET', K.ix, iid .. ':state', 'offered', iid .. ':agent', aid, iid .. ':offer', offer_id,
      iid .. ':deadline', deadline, iid .. ':updated', ARGV[1])
    redis.call('ZADD', K.offers, deadline, iid)
    held_add(K, aid, iid)
    local load = redis.call('HINCRBY', K.agents, aid .. ':load', 1)
    redis.call('HINCRBY', K.agents, aid .. ':load.' .. chan, 1)
    -- Giving work moves the agent to the back of the idle order, which spreads load fairly.
    if load < a.cap then redis.call('ZADD', K.avail, 'XX', now, aid) end
    reindex_agent(K, aid, now)
    ${ixSet('values', { state: "'offered'", agent: 'aid', offer: 'offer_id', deadline: 'int(deadline)', updated: 'ARGV[1]', stickyuntil: 'false' })}
    return {iid, aid, offer_id, ARGV[1], int(deadline), values}
  end
  -- Self-repair of an index entry that does not match the records, then search again.
  if not state then
    redis.call('ZREM', K.qidx, best.member)
    if redis.call('HINCRBY', K.qgroups, best.g, -1) <= 0 then redis.call('HDEL', K.qgroups, best.g) end
    redis.call('ZREM', K.queue, iid)
  elseif state ~= 'queued' then
    queue_remove(K, iid)
  end
  reindex_agent(K, aid, now)
end
return false
`;
