import { routingKeys, STATE_KEY_COUNT, stateKeys } from './routing-keys.util';

/** The consumer group every relay reads the outbox stream through: each change goes to one relay at a time. */
export const OUTBOX_GROUP = 'relay';

/** First words of replies that changed nothing: no change, nothing to announce. */
const NO_CHANGE_KINDS = ['stale', 'refused', 'duplicate', 'already-accepted', 'already-completed'];

/**
 * Wraps a state-changing script so that the change and the record announcing it are one atomic step (the
 * transactional outbox): the script runs as before on its usual KEYS and ARGV, and when its reply is a change
 * (a non-empty table not headed by a no-change kind) it is appended, with the caller's note, to the outbox stream
 * (the last state key). The caller passes the note (JSON: the input and its trace) as one extra, last ARGV.
 * A script may set `__extra` to more field/value pairs for the record: what the note leaves out because the reply
 * usually holds it (an upsert's note has no message: the reply holds the first, an append sets its own here), so a
 * record does not hold the same text twice.
 * A crash after the script loses nothing: whichever relay reads the stream next publishes the change's events.
 */
export function withOutbox(op: string, source: string): string {
  if (!/^[a-z-]+$/.test(op)) throw new Error(`Invalid outbox op ${op}`);
  return `
local __note = ARGV[#ARGV]
ARGV[#ARGV] = nil
local __NO_CHANGE = {${NO_CHANGE_KINDS.map((kind) => `['${kind}'] = true`).join(', ')}}
local __extra = {}
local function __body()
${source}
end
local __reply = __body()
if type(__reply) == 'table' and #__reply > 0 and not (type(__reply[1]) == 'string' and __NO_CHANGE[__reply[1]]) then
  redis.call('XADD', KEYS[${STATE_KEY_COUNT}], '*', 'op', '${op}', 'note', __note, 'out', cjson.encode(__reply), unpack(__extra))
end
return __reply
`;
}

// Where the available set and the queue index are among KEYS (1-based), from stateKeys' order itself.
const PROBE_KEYS = routingKeys('probe');
const AVAILABLE_KEY = stateKeys(PROBE_KEYS).indexOf(PROBE_KEYS.available) + 1;
const QUEUE_INDEX_KEY = stateKeys(PROBE_KEYS).indexOf(PROBE_KEYS.queueIndex) + 1;

/**
 * Wraps a state-changing script (already wrapped by withOutbox) so that its reply says, as seen in the same atomic
 * step and after its change, whether a dispatch now could offer anything: `{reply, 1}`, or `{reply, 0}` when the
 * queue index or the available set is empty (DISPATCH_SCRIPT then returns false without writing anything: it stops at
 * an empty available set, and finds no group head in an empty index). Two ZCARDs; the recorded change is untouched.
 */
export function withDispatchHint(source: string): string {
  return `
local function __step()
${source}
end
local __out = __step()
if __out == nil then __out = false end
local __may = 0
if redis.call('ZCARD', KEYS[${QUEUE_INDEX_KEY}]) > 0 and redis.call('ZCARD', KEYS[${AVAILABLE_KEY}]) > 0 then __may = 1 end
return {__out, __may}
`;
}

/**
 * cjson's view of a reply, made equal to what the same reply looks like when Redis returns it: Lua's false (a
 * missing field) is null, true is 1, and an empty table (cjson writes `{}`) is an empty list.
 */
export function replyFromOutbox(json: string): unknown {
  return normalise(JSON.parse(json) as unknown);
}

function normalise(value: unknown): unknown {
  if (value === false) return null;
  if (value === true) return 1;
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object' && value !== null) {
    if (Object.keys(value).length === 0) return [];
    throw new Error(`Unexpected table with keys in an outbox reply: ${JSON.stringify(value)}`);
  }
  return value;
}
