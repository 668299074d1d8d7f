import { ROUTING_LUA_HELPERS } from './routing-helpers.script';

// Supervisors' reads (RedisRoutingSnapshotReader): never write, each one script so its answer is consistent.

/**
 * KEYS: qgroups, qage, pools, poolsizes, queue, available, ix.
 * Every group with waiting work or signed-in agents: {group, waiting, oldest createdAt ('' when none), signed in,
 * available}; then the tenant's waiting count and available agents. O(groups · log N): the oldest is the first
 * member of the group's age index (an entry whose interaction is no longer queued is skipped, a few at most).
 */
export const READ_LIVE_QUEUES_SCRIPT = `${ROUTING_LUA_HELPERS}
local qgroups, qage, pools, sizes, queue, avail, ix = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local found, order = {}, {}
local function entry(g)
  if not found[g] then
    found[g] = { waiting = 0, signed = 0 }
    table.insert(order, g)
  end
  return found[g]
end
local raw = redis.call('HGETALL', qgroups)
for i = 1, #raw, 2 do entry(raw[i]).waiting = tonumber(raw[i + 1]) end
raw = redis.call('HGETALL', sizes)
for i = 1, #raw, 2 do entry(raw[i]).signed = tonumber(raw[i + 1]) end
local out = {}
for _, g in ipairs(order) do
  local e = found[g]
  local oldest = ''
  if e.waiting > 0 then
    for _, member in ipairs(lex_range(qage, g, 0, 8)) do
      local created, iid = split_member(member, g)
      if redis.call('HGET', ix, iid .. ':state') == 'queued' then
        oldest = int(created)
        break
      end
    end
  end
  local available = redis.call('ZLEXCOUNT', pools, '[' .. g, '(' .. g .. '\\255')
  table.insert(out, { g, e.waiting, oldest, e.signed, available })
end
return { redis.call('ZCARD', queue), redis.call('ZCARD', avail), out }
`;

/**
 * KEYS: agents, available. ARGV: cursor ('0' to start), about how many agents.
 * HSCAN over the agents' \`<id>:state\` fields until enough agents or the end: {next cursor ('0' = done), {{id,
 * agent fields (AGENT_FIELDS order) + available score}, …}}. A bounded number of HSCAN rounds per call.
 */
export const READ_AGENT_PAGE_SCRIPT = `${ROUTING_LUA_HELPERS}
local cursor, want = ARGV[1], tonumber(ARGV[2])
local ids, seen, rounds = {}, {}, 0
repeat
  local reply = redis.call('HSCAN', KEYS[1], cursor, 'MATCH', '*:state', 'COUNT', want * 12)
  cursor = reply[1]
  local pairs_ = reply[2]
  for i = 1, #pairs_, 2 do
    local id = string.sub(pairs_[i], 1, #pairs_[i] - 6)
    if not seen[id] then
      seen[id] = true
      table.insert(ids, id)
    end
  end
  rounds = rounds + 1
until cursor == '0' or #ids >= want or rounds >= 16
local out = {}
for _, id in ipairs(ids) do table.insert(out, { id, agent_read(KEYS[1], KEYS[2], id) }) end
return { cursor, out }
`;

/**
 * KEYS: agents, available. ARGV: agentIds…
 * {{id, agent fields + available score}, …} for the ids the store knows, in the order given.
 */
export const READ_AGENTS_BY_IDS_SCRIPT = `${ROUTING_LUA_HELPERS}
local out = {}
for _, id in ipairs(ARGV) do
  local values = agent_read(KEYS[1], KEYS[2], id)
  if values[1] then table.insert(out, { id, values }) end
end
return out
`;
