import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

/**
 * KEYS: stateKeys(), requirementsDue, lastAgents, lastSeen. ARGV: now, limit, agingStepMs, stickyWindowMs.
 * Requirement changes due (requirementsDue score <= now), earliest first, at most `limit` interactions: a sticky
 * reservation over (`stickyuntil` dropped: anyone eligible may take it) and a widening (the required skill becomes
 * `wto` at level 1, none when ''); a queued interaction moves to its new groups in the same step (queue_add). An entry
 * whose interaction is gone (completed) is dropped. Then last agents completed before now - stickyWindowMs are
 * forgotten (at most `limit`).
 * Returns a list of {interactionId, 'sticky-ended' | 'widened', fields, previous required skill ('' = none)}.
 */
export const SWEEP_REQUIREMENTS_SCRIPT = `${ROUTING_LUA_HELPERS}
local K = state_keys()
local due_key, last_key, seen_key = KEYS[STATE_KEY_COUNT + 1], KEYS[STATE_KEY_COUNT + 2], KEYS[STATE_KEY_COUNT + 3]
local now, limit, step, window = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local due = redis.call('ZRANGEBYSCORE', due_key, '-inf', now, 'LIMIT', 0, limit)
local out = {}
for _, iid in ipairs(due) do
  redis.call('ZREM', due_key, iid)
  local state, skill, sticky_until, wat, wto = unpack(redis.call('HMGET', K.ix,
    iid .. ':state', iid .. ':skill', iid .. ':stickyuntil', iid .. ':wat', iid .. ':wto'))
  if state then
    if sticky_until and tonumber(sticky_until) <= now then
      redis.call('HDEL', K.ix, iid .. ':stickyuntil')
      redis.call('HSET', K.ix, iid .. ':updated', now)
      sticky_until = nil
      if state == 'queued' then queue_add(K, iid, step) end
      table.insert(out, {iid, 'sticky-ended', ix_read(K.ix, iid), ''})
    end
    if wat and tonumber(wat) <= now then
      if (wto or '') == '' then
        redis.call('HDEL', K.ix, iid .. ':skill')
      else
        redis.call('HSET', K.ix, iid .. ':skill', wto)
      end
      redis.call('HDEL', K.ix, iid .. ':lvl', iid .. ':wat', iid .. ':wto')
      redis.call('HSET', K.ix, iid .. ':widened', now, iid .. ':updated', now)
      wat = nil
      if state == 'queued' then queue_add(K, iid, step) end
      table.insert(out, {iid, 'widened', ix_read(K.ix, iid), skill or ''})
    end
    -- Whatever is still pending is due again at its own time.
    local next_due = nil
    if sticky_until then next_due = tonumber(sticky_until) end
    if wat and (not next_due or tonumber(wat) < next_due) then next_due = tonumber(wat) end
    if next_due then redis.call('ZADD', due_key, next_due, iid) end
  end
end
local forgotten = redis.call('ZRANGEBYSCORE', seen_key, '-inf', '(' .. int(now - window), 'LIMIT', 0, limit)
for _, cust in ipairs(forgotten) do
  redis.call('ZREM', seen_key, cust)
  redis.call('HDEL', last_key, cust)
end
return out
`;
