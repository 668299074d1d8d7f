import { CHANNELS, DEFAULT_AGENT_CAPACITY } from '../../routing.constants';
import { MAX_SKILL_LEVEL } from '../../skill-rules.util';
import { AGENT_FIELDS, INTERACTION_FIELDS, INTERACTION_INTERNAL_FIELDS } from './routing-fields.constants';
import { STATE_KEY_COUNT } from './routing-keys.util';

const luaList = (names: readonly string[]): string => `{${names.map((n) => `'${n}'`).join(', ')}}`;
type InteractionField = (typeof INTERACTION_FIELDS)[number];

/**
 * Where `name` is in a record as ix_read returns it (1-based), written into a script's text where it is built: a lookup
 * table in Lua would be rebuilt on every call of every script, and cost more than it saves.
 */
export function ixAt(name: InteractionField): number {
  return INTERACTION_FIELDS.indexOf(name) + 1;
}

/** Lua statements setting fields of `values` (a record as ix_read returns it) to Lua expressions (`false`: absent). */
export function ixSet(values: string, changes: Partial<Record<InteractionField, string>>): string {
  return Object.entries(changes)
    .map(([name, expression]) => `${values}[${ixAt(name as InteractionField)}] = ${expression}`)
    .join('\n');
}

/**
 * Added to every score and idle time written into the lex indexes so each is a positive integer of at most
 * 16 digits: scores go down to -MAX_PRIORITY * MAX_AGING_STEP_MS (about -2.6e11), epoch ms stay below 9e15.
 */
export const LEX_SCORE_BIAS = 1e12;

/**
 * Lua shared by every routing script (prepended to each body). Fields of one agent or interaction live
 * in a per-tenant hash as `<id>:<field>`; field names never contain ':' so `<id>:<field>` is unambiguous
 * whatever the id holds.
 *
 * The two lex indexes (`queueIndex`, `pools`) hold members `<group><16 digits>:<id>` with every score 0, so
 * ZRANGEBYLEX over one group's prefix walks it in order (score or idle time, then id: the order of the
 * plain sorted sets). A group is `<channel>:<byte length of skill>:<skill>:`; the length makes one group's
 * prefix never a prefix of another's, whatever bytes a skill holds.
 */
export const ROUTING_LUA_HELPERS = `
local IX_FIELDS = ${luaList(INTERACTION_FIELDS)}
local IX_INTERNAL_FIELDS = ${luaList(INTERACTION_INTERNAL_FIELDS)}
local AGENT_FIELDS = ${luaList(AGENT_FIELDS)}
local DEFAULT_CAPACITY = ${DEFAULT_AGENT_CAPACITY}
local CHANNELS = ${luaList(CHANNELS)}
local LEX_BIAS = ${LEX_SCORE_BIAS}
local MAX_LEVEL = ${MAX_SKILL_LEVEL}

local function fields_of(id, names)
  local out = {}
  for i, name in ipairs(names) do out[i] = id .. ':' .. name end
  return out
end

local function ix_read(ix, id)
  return redis.call('HMGET', ix, unpack(fields_of(id, IX_FIELDS)))
end

-- A record as ix_read would read it, from what a script wrote (name -> value; absent = false), so the script replies
-- without reading all of it again (a 31-field HMGET and its 31 field names cost about 20 µs). Values must be the
-- strings HSET stored. Scripts that read the record first patch what they read instead (ixSet, ixAt).
local function ix_values(record)
  local values = {}
  for i, name in ipairs(IX_FIELDS) do values[i] = record[name] or false end
  return values
end

local function agent_read(agents, avail, id)
  local values = redis.call('HMGET', agents, unpack(fields_of(id, AGENT_FIELDS)))
  values[#AGENT_FIELDS + 1] = redis.call('ZSCORE', avail, id)
  return values
end

-- KEYS[1..STATE_KEY_COUNT] of every state-changing script (stateKeys() in routing-keys.util.ts); a script's own
-- key is KEYS[STATE_KEY_COUNT + 1].
local STATE_KEY_COUNT = ${STATE_KEY_COUNT}
local function state_keys()
  return {
    agents = KEYS[1], avail = KEYS[2], ix = KEYS[3], conv = KEYS[4], queue = KEYS[5], offers = KEYS[6],
    qidx = KEYS[7], qgroups = KEYS[8], pools = KEYS[9], sizes = KEYS[10], qage = KEYS[11], wrapups = KEYS[12],
    outbox = KEYS[13],
  }
end

local function decode_list(raw)
  if not raw then return {} end
  local value = cjson.decode(raw)
  if type(value) ~= 'table' then return {} end
  return value
end

-- Byte order, as sorted sets order members (Lua's < on strings follows the server's locale).
local function bytes_lt(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

local function int(n)
  return string.format('%d', n)
end

local function group_of(chan, skill)
  skill = skill or ''
  return chan .. ':' .. #skill .. ':' .. skill .. ':'
end

local function lex(n)
  return string.format('%016d', tonumber(n) + LEX_BIAS)
end

-- Inverse of <group><16 digits>:<id>: the number and the id.
local function split_member(member, group)
  return tonumber(string.sub(member, #group + 1, #group + 16)) - LEX_BIAS, string.sub(member, #group + 18)
end

-- A pool member: <group><tier, 2 digits><idle, 16 digits>:<agentId>; tier = MAX_LEVEL - the agent's level in the
-- group's skill (0 for skill ''), so a group's lex order is the highest level first, then the longest idle, then id.
local function tier(level)
  return string.format('%02d', MAX_LEVEL - level)
end

local function split_pool_member(member, group)
  local n = #group
  return tonumber(string.sub(member, n + 1, n + 2)), tonumber(string.sub(member, n + 3, n + 18)) - LEX_BIAS, string.sub(member, n + 20)
end

local function lex_range(key, group, offset, count)
  return redis.call('ZRANGEBYLEX', key, '[' .. group, '(' .. group .. '\\255', 'LIMIT', offset, count)
end

-- Same formula as queueScore() in TypeScript: createdAt - priority * agingStepMs, lower first.
local function queue_score(prio, created, step)
  return tonumber(created) - tonumber(prio) * tonumber(step)
end

-- An agent's state, limits (per channel: its own limit, else the total) and loads; skill names once each, no '',
-- with levels ('name=3'; a plain name is level 1; the highest when repeated) in a.levels.
local function agent_info(K, aid)
  local state, cap, load, skills, capp, capd, loadp, loadd = unpack(redis.call('HMGET', K.agents,
    aid .. ':state', aid .. ':cap', aid .. ':load', aid .. ':skills',
    aid .. ':cap.public', aid .. ':cap.dm', aid .. ':load.public', aid .. ':load.dm'))
  cap = tonumber(cap or DEFAULT_CAPACITY)
  local a = {
    state = state, cap = cap, load = tonumber(load or '0'),
    chcap = { public = tonumber(capp or cap), dm = tonumber(capd or cap) },
    chload = { public = tonumber(loadp or '0'), dm = tonumber(loadd or '0') },
    skills = {}, levels = {},
  }
  for _, s in ipairs(decode_list(skills)) do
    if type(s) == 'string' and s ~= '' then
      local name, level = string.match(s, '^([^=]+)=(%d+)$')
      if name then level = tonumber(level) else name, level = s, 1 end
      if not a.levels[name] then
        table.insert(a.skills, name)
        a.levels[name] = level
      elseif level > a.levels[name] then
        a.levels[name] = level
      end
    end
  end
  return a
end

local function same_list(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do
    if a[i] ~= b[i] then return false end
  end
  return true
end

-- After any change to an agent's state, limits, load, skills or idle time: available <=> ready and
-- load < cap (keeping its place if already there), and its pool entries: one per channel with room,
-- for skill '' and for each of its skills, at its level's tier and its idle time.
local function reindex_agent(K, aid, now)
  local a = agent_info(K, aid)
  if a.state == 'ready' and a.load < a.cap then
    redis.call('ZADD', K.avail, 'NX', now, aid)
  else
    redis.call('ZREM', K.avail, aid)
  end
  local members = {}
  local idle = redis.call('ZSCORE', K.avail, aid)
  if idle then
    local tail = lex(idle) .. ':' .. aid
    for _, ch in ipairs(CHANNELS) do
      if a.chload[ch] < a.chcap[ch] then
        table.insert(members, group_of(ch, '') .. tier(0) .. tail)
        for _, s in ipairs(a.skills) do table.insert(members, group_of(ch, s) .. tier(a.levels[s]) .. tail) end
      end
    end
  end
  local old = decode_list(redis.call('HGET', K.agents, aid .. ':pidx'))
  if same_list(old, members) then return end
  if #old > 0 then redis.call('ZREM', K.pools, unpack(old)) end
  if #members > 0 then
    local args = {}
    for _, m in ipairs(members) do
      table.insert(args, 0)
      table.insert(args, m)
    end
    redis.call('ZADD', K.pools, unpack(args))
    redis.call('HSET', K.agents, aid .. ':pidx', cjson.encode(members))
  else
    redis.call('HDEL', K.agents, aid .. ':pidx')
  end
end

-- After a presence: the groups a signed-in (not offline) agent counts in for the overflow rule.
local function recount_agent(K, aid)
  local a = agent_info(K, aid)
  local groups = {}
  if a.state and a.state ~= 'offline' then
    for _, ch in ipairs(CHANNELS) do
      if a.chcap[ch] > 0 then
        table.insert(groups, group_of(ch, ''))
        for _, s in ipairs(a.skills) do table.insert(groups, group_of(ch, s)) end
      end
    end
  end
  for _, g in ipairs(decode_list(redis.call('HGET', K.agents, aid .. ':counted'))) do
    if redis.call('HINCRBY', K.sizes, g, -1) <= 0 then redis.call('HDEL', K.sizes, g) end
  end
  for _, g in ipairs(groups) do redis.call('HINCRBY', K.sizes, g, 1) end
  if #groups > 0 then
    redis.call('HSET', K.agents, aid .. ':counted', cjson.encode(groups))
  else
    redis.call('HDEL', K.agents, aid .. ':counted')
  end
end

-- Out of the queue and its groups (no-op when not queued).
local function queue_remove(K, iid)
  local age = nil
  for _, entry in ipairs(decode_list(redis.call('HGET', K.ix, iid .. ':qidx'))) do
    if redis.call('ZREM', K.qidx, entry[2]) == 1 then
      if redis.call('HINCRBY', K.qgroups, entry[1], -1) <= 0 then redis.call('HDEL', K.qgroups, entry[1]) end
    end
    age = age or (lex(redis.call('HGET', K.ix, iid .. ':created') or '0') .. ':' .. iid)
    redis.call('ZREM', K.qage, entry[1] .. age)
  end
  redis.call('HDEL', K.ix, iid .. ':qidx')
  redis.call('ZREM', K.queue, iid)
end

-- The queue groups an interaction waits in: while reserved for a returning customer's agent, that agent's alone
-- (skill part '=' .. agentId: no skill name holds '='); else its required skill's, at its minimum level when above 1
-- (skill part '<skill>=<level>'), and, once overflowed, the overflow skill's.
local function queue_groups_of(chan, skill, lvl, ovskill, sticky)
  if sticky then return { group_of(chan, '=' .. sticky) } end
  local own = skill or ''
  if own ~= '' and tonumber(lvl or '1') > 1 then own = own .. '=' .. lvl end
  local groups = { group_of(chan, own) }
  if ovskill and ovskill ~= (skill or '') then table.insert(groups, group_of(chan, ovskill)) end
  return groups
end

-- What a queue group asks of agents: {chan, pool = the pool group of its skill, max_tier = the worst tier (lowest
-- level) that qualifies} or, for a sticky group, {chan, sticky = agentId}.
local function group_target(g)
  local chan, len = string.match(g, '^([^:]*):(%d+):')
  local first = #chan + #len + 3
  local part = string.sub(g, first, first + tonumber(len) - 1)
  if string.sub(part, 1, 1) == '=' then return { chan = chan, sticky = string.sub(part, 2) } end
  local skill, level = string.match(part, '^(.+)=(%d+)$')
  if skill then return { chan = chan, pool = group_of(chan, skill), max_tier = MAX_LEVEL - tonumber(level) } end
  return { chan = chan, pool = g, max_tier = MAX_LEVEL }
end

-- Into the queue at its score, in its groups (queue_groups_of).
local function queue_add(K, iid, step)
  queue_remove(K, iid)
  local prio, created, chan, skill, ovskill, lvl, sticky, sticky_until = unpack(redis.call('HMGET', K.ix,
    iid .. ':prio', iid .. ':created', iid .. ':chan', iid .. ':skill', iid .. ':ovskill', iid .. ':lvl',
    iid .. ':sticky', iid .. ':stickyuntil'))
  chan = chan or 'public'
  local score = queue_score(prio, created, step)
  local tail = lex(score) .. ':' .. iid
  local groups = queue_groups_of(chan, skill, lvl, ovskill, sticky_until and sticky)
  local entries = {}
  for _, g in ipairs(groups) do
    redis.call('ZADD', K.qidx, 0, g .. tail)
    redis.call('HINCRBY', K.qgroups, g, 1)
    -- The same group by age (the oldest first), for supervisors' oldest wait; its member is derived, not stored.
    redis.call('ZADD', K.qage, 0, g .. lex(created) .. ':' .. iid)
    table.insert(entries, { g, g .. tail })
  end
  redis.call('HSET', K.ix, iid .. ':qidx', cjson.encode(entries))
  redis.call('ZADD', K.queue, score, iid)
end

-- The agent signed out: the interactions reserved for it (its sticky groups) go to anyone eligible, in the same step.
local function end_sticky_of(K, aid, step)
  for _, ch in ipairs(CHANNELS) do
    local g = group_of(ch, '=' .. aid)
    for _, member in ipairs(redis.call('ZRANGEBYLEX', K.qidx, '[' .. g, '(' .. g .. '\\255')) do
      local _, iid = split_member(member, g)
      redis.call('HDEL', K.ix, iid .. ':stickyuntil')
      queue_add(K, iid, step)
    end
  end
end

-- Decliners still remembered at now: a set agentId -> true, and how many.
local function live_declines(K, iid, now)
  local set, n = {}, 0
  for _, e in ipairs(decode_list(redis.call('HGET', K.ix, iid .. ':declined'))) do
    if type(e) == 'table' and tonumber(e[2]) > now then
      set[e[1]] = true
      n = n + 1
    end
  end
  return set, n
end

-- The agent's held index (<aid>:held, JSON list): the interactions offered or assigned to it, so sign-out can
-- withdraw its offers and the desktop and supervisors can read its work without a scan of every interaction.
local function held_add(K, aid, iid)
  local held = decode_list(redis.call('HGET', K.agents, aid .. ':held'))
  for _, id in ipairs(held) do
    if id == iid then return end
  end
  table.insert(held, iid)
  redis.call('HSET', K.agents, aid .. ':held', cjson.encode(held))
end

local function held_remove(K, aid, iid)
  local kept = {}
  for _, id in ipairs(decode_list(redis.call('HGET', K.agents, aid .. ':held'))) do
    if id ~= iid then table.insert(kept, id) end
  end
  if #kept > 0 then
    redis.call('HSET', K.agents, aid .. ':held', cjson.encode(kept))
  else
    redis.call('HDEL', K.agents, aid .. ':held')
  end
end

local function release_slot(K, aid, chan, now)
  for _, field in ipairs({ ':load', ':load.' .. chan }) do
    if redis.call('HINCRBY', K.agents, aid .. field, -1) < 0 then redis.call('HSET', K.agents, aid .. field, 0) end
  end
  reindex_agent(K, aid, now)
end

-- Back to the queue at its original age. The decline is remembered until now + memory (forgotten ones are
-- dropped); when every signed-in agent of its group has a remembered decline and someone signed in has the
-- overflow skill, the interaction overflows: that skill's agents may take it too.
local function requeue(K, iid, aid, now, P)
  local raw, chan, skill, ovskill = unpack(redis.call('HMGET', K.ix,
    iid .. ':declined', iid .. ':chan', iid .. ':skill', iid .. ':ovskill'))
  chan = chan or 'public'
  local declined = {}
  for _, e in ipairs(decode_list(raw)) do
    if type(e) == 'table' and e[1] ~= aid and tonumber(e[2]) > now then table.insert(declined, e) end
  end
  table.insert(declined, { aid, int(now + P.memory) })
  redis.call('HSET', K.ix, iid .. ':state', 'queued', iid .. ':declined', cjson.encode(declined), iid .. ':updated', now)
  redis.call('HDEL', K.ix, iid .. ':agent', iid .. ':offer', iid .. ':deadline')
  redis.call('ZREM', K.offers, iid)
  held_remove(K, aid, iid)
  if P.overflow ~= '' and not ovskill and (skill or '') ~= P.overflow then
    local g = group_of(chan, skill)
    local eligible = tonumber(redis.call('HGET', K.sizes, g) or '0')
    if eligible > 0 and tonumber(redis.call('HGET', K.sizes, group_of(chan, P.overflow)) or '0') > 0 then
      local declined_eligible = 0
      for _, e in ipairs(declined) do
        for _, counted in ipairs(decode_list(redis.call('HGET', K.agents, e[1] .. ':counted'))) do
          if counted == g then
            declined_eligible = declined_eligible + 1
            break
          end
        end
      end
      if declined_eligible >= eligible then
        redis.call('HSET', K.ix, iid .. ':ovskill', P.overflow, iid .. ':ovat', now)
      end
    end
  end
  queue_add(K, iid, P.step)
end

-- The conference's guests (JSON list, joining order); an empty list deletes the field.
local function guests_of(K, iid)
  return decode_list(redis.call('HGET', K.ix, iid .. ':guests'))
end

local function guests_set(K, iid, guests)
  if #guests > 0 then
    redis.call('HSET', K.ix, iid .. ':guests', cjson.encode(guests))
  else
    redis.call('HDEL', K.ix, iid .. ':guests')
  end
end

local function list_has(list, value)
  for _, v in ipairs(list) do
    if v == value then return true end
  end
  return false
end

local function list_without(list, value)
  local kept = {}
  for _, v in ipairs(list) do
    if v ~= value then table.insert(kept, v) end
  end
  return kept
end

-- A guest leaves the conference: out of the guests and its held index, its slot freed.
local function guest_leave(K, iid, aid, now)
  guests_set(K, iid, list_without(guests_of(K, iid), aid))
  held_remove(K, aid, iid)
  release_slot(K, aid, redis.call('HGET', K.ix, iid .. ':chan') or 'public', now)
  redis.call('HSET', K.ix, iid .. ':updated', now)
end

-- An offer taken back because its agent went offline: slot released, queued again at its original age, no decline
-- remembered (the agent did not refuse it), never an overflow.
local function withdraw_offer(K, iid, aid, now, step)
  local chan = redis.call('HGET', K.ix, iid .. ':chan') or 'public'
  redis.call('HSET', K.ix, iid .. ':state', 'queued', iid .. ':updated', now)
  redis.call('HDEL', K.ix, iid .. ':agent', iid .. ':offer', iid .. ':deadline')
  redis.call('ZREM', K.offers, iid)
  held_remove(K, aid, iid)
  release_slot(K, aid, chan, now)
  queue_add(K, iid, step)
end
`;
