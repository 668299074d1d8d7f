import { DEFAULT_AGENT_CAPACITY, PRIORITY_WEIGHT } from '../../routing.constants';
import { AGENT_FIELDS, INTERACTION_FIELDS } from './routing-fields.constants';

const luaList = (names: readonly string[]): string => `{${names.map((n) => `'${n}'`).join(', ')}}`;

/**
 * Lua shared by every routing script (prepended to each body). Fields of one agent or interaction live
 * in a per-tenant hash as `<id>:<field>`; field names never contain ':' so `<id>:<field>` is unambiguous
 * whatever the id holds.
 */
export const ROUTING_LUA_HELPERS = `
local IX_FIELDS = ${luaList(INTERACTION_FIELDS)}
local AGENT_FIELDS = ${luaList(AGENT_FIELDS)}
local PRIORITY_WEIGHT = ${PRIORITY_WEIGHT}
local DEFAULT_CAPACITY = ${DEFAULT_AGENT_CAPACITY}

local function fields_of(id, names)
  local out = {}
  for i, name in ipairs(names) do out[i] = id .. ':' .. name end
  return out
end

local function ix_read(ix, id)
  return redis.call('HMGET', ix, unpack(fields_of(id, IX_FIELDS)))
end

local function agent_read(agents, avail, id)
  local values = redis.call('HMGET', agents, unpack(fields_of(id, AGENT_FIELDS)))
  values[#AGENT_FIELDS + 1] = redis.call('ZSCORE', avail, id)
  return values
end

-- Same formula as queueScore() in TypeScript: higher priority first, then the older interaction.
local function queue_score(prio, created)
  return -tonumber(prio) * PRIORITY_WEIGHT + tonumber(created)
end

-- Ready with free capacity: in the available set, keeping its place if already there. Otherwise out.
local function refresh_availability(agents, avail, agent_id, now)
  local state, cap, load = unpack(redis.call('HMGET', agents, agent_id .. ':state', agent_id .. ':cap', agent_id .. ':load'))
  if state == 'ready' and tonumber(load or '0') < tonumber(cap or DEFAULT_CAPACITY) then
    redis.call('ZADD', avail, 'NX', now, agent_id)
  else
    redis.call('ZREM', avail, agent_id)
  end
end

local function release_slot(agents, avail, agent_id, now)
  local load = redis.call('HINCRBY', agents, agent_id .. ':load', -1)
  if load < 0 then redis.call('HSET', agents, agent_id .. ':load', 0) end
  refresh_availability(agents, avail, agent_id, now)
end

-- Back to the queue at its original age, remembering who declined so they are not asked again.
local function requeue(ix, queue, offers, id, agent_id, now)
  local declined_raw, prio, created = unpack(redis.call('HMGET', ix, id .. ':declined', id .. ':prio', id .. ':created'))
  local declined = {}
  if declined_raw then declined = cjson.decode(declined_raw) end
  local known = false
  for _, a in ipairs(declined) do
    if a == agent_id then known = true end
  end
  if not known then table.insert(declined, agent_id) end
  redis.call('HSET', ix, id .. ':state', 'queued', id .. ':declined', cjson.encode(declined), id .. ':updated', now)
  redis.call('HDEL', ix, id .. ':agent', id .. ':offer', id .. ':deadline')
  redis.call('ZREM', offers, id)
  redis.call('ZADD', queue, queue_score(prio, created), id)
end
`;
