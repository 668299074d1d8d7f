import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(), msg:<messageId>, lastAgents, lastSeen, requirementsDue.
 * ARGV: conversationKey, newInteractionId, priority, now, data JSON, requiredSkill ('' = none), dedupeTtlMs,
 * channel ('public' | 'dm'), agingStepMs, requiredLevel ('' = 1), widenAt ('' = never), widenTo, customer key,
 * stickyWindowMs, stickyWaitMs (either 0 = no sticky agent).
 * A new interaction of a customer whose last interaction was completed within the window, by an agent signed in now
 * who has the required skill at the level, is reserved for that agent until now + stickyWaitMs (its sticky group).
 * Widening and the reservation's end are due in requirementsDue (the earliest of the two), for the sweeper.
 * Invariants: a messageId is applied at most once (the msg key is checked and set in the same step);
 * a conversation has at most one open interaction (the conversations hash points to it until complete);
 * a queued interaction is in the queue and in its group of the queue index, at one score.
 * A more urgent follow-up raises the open interaction's priority; its age stays the first message's.
 * Returns {'duplicate', id} | {'created'|'appended', id, fields}. Run inside withOutbox: an append records its
 * message's data JSON as the outbox field 'data' (the reply's fields hold the first message's).
 */
export const UPSERT_INTERACTION_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local msg_key = KEYS[STATE_KEY_COUNT + 1]
local conv_key, new_id, prio, now, data, skill, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local chan, step = ARGV[8], tonumber(ARGV[9])
local lvl, widen_at, widen_to, cust = ARGV[10] or '', ARGV[11] or '', ARGV[12] or '', ARGV[13] or ''
local window, wait = tonumber(ARGV[14] or '0'), tonumber(ARGV[15] or '0')
local last_key, seen_key, due_key = KEYS[STATE_KEY_COUNT + 2], KEYS[STATE_KEY_COUNT + 3], KEYS[STATE_KEY_COUNT + 4]

local seen = redis.call('GET', msg_key)
if seen then return {'duplicate', seen} end

local open = redis.call('HGET', K.conv, conv_key)
if open then
  local state, current = unpack(redis.call('HMGET', K.ix, open .. ':state', open .. ':prio'))
  if state then
    redis.call('HINCRBY', K.ix, open .. ':count', 1)
    redis.call('HSET', K.ix, open .. ':updated', now)
    if prio > tonumber(current) then
      redis.call('HSET', K.ix, open .. ':prio', ARGV[3])
      if state == 'queued' then queue_add(K, open, step) end
    end
    redis.call('SET', msg_key, open, 'PX', ttl)
    __extra = {'data', data}
    return {'appended', open, ix_read(K.ix, open)}
  end
end

if redis.call('HEXISTS', K.ix, new_id .. ':state') == 1 then
  return redis.error_reply('ERR interaction id ' .. new_id .. ' already exists')
end
local fields = {
  new_id .. ':state', 'queued', new_id .. ':prio', ARGV[3], new_id .. ':created', now,
  new_id .. ':count', '1', new_id .. ':data', data, new_id .. ':conv', conv_key, new_id .. ':updated', now,
  new_id .. ':chan', chan,
}
-- What the record holds once written, so the reply needs no read of it (a new id: nothing else is there).
local record = { state = 'queued', prio = ARGV[3], created = now, count = '1', data = data, conv = conv_key, updated = now, chan = chan }
local function field(name, value)
  table.insert(fields, new_id .. ':' .. name)
  table.insert(fields, value)
  record[name] = value
end
if skill ~= '' then field('skill', skill) end
if skill ~= '' and lvl ~= '' and tonumber(lvl) > 1 then field('lvl', lvl) end
if widen_at ~= '' then
  field('wat', widen_at)
  field('wto', widen_to)
end
if cust ~= '' then field('cust', cust) end
local due = nil
if widen_at ~= '' then due = tonumber(widen_at) end
if window > 0 and wait > 0 and cust ~= '' then
  local last = redis.call('HGET', last_key, cust)
  local closed = redis.call('ZSCORE', seen_key, cust)
  if last and closed and tonumber(closed) >= tonumber(now) - window then
    local a = agent_info(K, last)
    local fits = a.state ~= nil and a.state ~= 'offline'
    if fits and skill ~= '' then fits = (a.levels[skill] or 0) >= tonumber(lvl ~= '' and lvl or '1') end
    if fits then
      local until_ms = tonumber(now) + wait
      field('sticky', last)
      field('stickyuntil', int(until_ms))
      if not due or until_ms < due then due = until_ms end
    end
  end
end
redis.call('HSET', K.ix, unpack(fields))
if due then redis.call('ZADD', due_key, due, new_id) end
queue_add(K, new_id, step)
redis.call('HSET', K.conv, conv_key, new_id)
redis.call('SET', msg_key, new_id, 'PX', ttl)
return {'created', new_id, ix_values(record)}
`;
