// npm run bench:routing-scripts — what each of the router's Lua scripts costs Redis, one call at a time, at
// bench:e2e's shape: BENCH_SCRIPTS_AGENTS (200) agents ready with capacity BENCH_SCRIPTS_CAPACITY (50) and no skills,
// BENCH_SCRIPTS_HELD (0) offers held per agent meanwhile, then BENCH_SCRIPTS_CYCLES (1000) tweets one after another:
// upsert, dispatch (offers it), dispatch again (finds nothing, as a step's loop does last), accept, complete.
// Each call's cost is the Redis server's own time for it (INFO commandstats, EVALSHA usec, read before and after the
// call on another connection), so client and network time are not in it. The physical reference, measured in the same
// run on the same server: the floor of any script call (an empty script given the same 13 keys, timed once in every
// cycle, so `floorRatio` = the tweet's five calls ÷ five floors compares runs made while the machine ran at other
// speeds) and, after the cycles, what the scripts' building blocks cost (one redis.call, a 31-field HMGET, building
// 31 field names). Own tenant, deleted afterwards. Prints progress and figures, then (last line) one JSON object.
// REDIS_URL (redis://127.0.0.1:6379).
import { type Classification, type InboundMessage } from '@perch/contracts';
import { newId } from '@perch/platform';
import { INTERACTION_FIELDS, type Offer, RedisRoutingStore, routingKeys } from '@perch/routing';
import { Redis } from 'ioredis';

import { benchLog, envInteger } from '../bench-env.util';
import { benchMention } from './bench-mention.util';

const OFFER_TIMEOUT_MS = 10 * 60_000;
const CALLS = ['upsert', 'dispatch', 'dispatchNothing', 'accept', 'complete'] as const;
type Call = (typeof CALLS)[number];

const LABELS: Classification = {
  sentiment: 'negative',
  sentimentScore: 0.9,
  actionability: 'actionable',
  actionabilityScore: 0.8,
  sentimentFeatures: ['wrong (+0.41)', 'want answers (+0.30)', 'ordered (+0.12)'],
  actionabilityFeatures: ['wrong item (+0.52)', 'ordered (+0.33)', 'answers (+0.20)'],
  model: 'perch-linear@1.1.1',
};

const log = benchLog('routing-scripts');
let sequence = 0;

/** A mention like the simulator's: about the size of bench:e2e's. */
function mention(): InboundMessage {
  sequence += 1;
  return benchMention(sequence, {
    brandAccountId: '1400000000000007919',
    brandUsername: 'acme_support',
    text: 'Received the wrong item, ordered a vacuum I want answers @acme_support',
  });
}

/** EVALSHA calls and server µs so far (INFO commandstats). */
async function evalshaUs(admin: Redis): Promise<{ calls: number; us: number }> {
  const match = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await admin.info('commandstats'));
  return { calls: Number(match?.[1] ?? 0), us: Number(match?.[2] ?? 0) };
}

/** Server µs of one script call made by `run` (nothing else may run EVALSHA meanwhile). */
async function serverUs<T>(admin: Redis, run: () => Promise<T>): Promise<{ value: T; us: number; calls: number }> {
  const before = await evalshaUs(admin);
  const value = await run();
  const after = await evalshaUs(admin);
  return { value, us: after.us - before.us, calls: after.calls - before.calls };
}

/** µs of server time per call of a script, over `times` calls. */
async function perCall(admin: Redis, redis: Redis, source: string, keys: readonly string[], times: number): Promise<number> {
  const sha = (await redis.script('LOAD', source)) as string;
  const { us } = await serverUs(admin, async () => {
    for (let i = 0; i < times; i += 1) await redis.evalsha(sha, keys.length, ...keys, newId());
  });
  return us / times;
}

async function main(): Promise<void> {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const agents = envInteger('BENCH_SCRIPTS_AGENTS', 200);
  const capacity = envInteger('BENCH_SCRIPTS_CAPACITY', 50);
  const heldPerAgent = Number(process.env['BENCH_SCRIPTS_HELD'] ?? '0');
  const cycles = envInteger('BENCH_SCRIPTS_CYCLES', 1_000);
  if (!Number.isInteger(heldPerAgent) || heldPerAgent < 0 || heldPerAgent >= capacity) throw new Error('BENCH_SCRIPTS_HELD must be an integer 0..capacity-1');
  const tenant = `bench-scripts-${newId().slice(0, 8)}`;
  const keys = routingKeys(tenant);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const admin = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const store = new RedisRoutingStore(redis, tenant);
  const drain = async (): Promise<void> => {
    for (;;) {
      const changes = await store.claimChanges({ relayId: 'bench', limit: 500 });
      if (changes.length === 0) return;
      await store.ackChanges(changes.map((change) => change.id));
    }
  };
  const arrive = (): Promise<unknown> =>
    store.upsertInteraction({ message: mention(), classification: LABELS, priority: 1, correlationId: newId(), interactionIdIfNew: newId(), now: Date.now() });
  try {
    const redisVersion = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? 'unknown';
    log(`tenant ${tenant} on ${redisUrl} (Redis ${redisVersion}): ${agents} agents of capacity ${capacity}, ${heldPerAgent} offers held each, ${cycles} tweets`);
    for (let i = 0; i < agents; i += 1) await store.setPresence({ agentId: `agent-${i}`, state: 'ready', capacity, now: Date.now() });
    for (let i = 0; i < heldPerAgent * agents; i += 1) {
      await arrive();
      await store.dispatch(Date.now(), OFFER_TIMEOUT_MS, newId());
      if (i % 500 === 0) await drain();
    }
    await drain();

    // The floor of a script call (an empty script given the same 13 keys), timed within every cycle: machine speed moves
    // it with the scripts, so the ratio to it compares runs made at different moments.
    const probeKeys = Array.from({ length: 13 }, (_, i) => `${keys.pattern.slice(0, -1)}probe:${i}`);
    const floorSha = (await redis.script('LOAD', 'return 1')) as string;
    let floorTotal = 0;
    const totals = Object.fromEntries(CALLS.map((call) => [call, 0])) as Record<Call, number>;
    const timed = async <T>(call: Call, run: () => Promise<T>): Promise<T> => {
      const { value, us, calls } = await serverUs(admin, run);
      if (calls !== 1) throw new Error(`${call} ran ${calls} scripts, expected 1: is something else using this Redis?`);
      totals[call] += us;
      return value;
    };
    for (let i = 0; i < cycles; i += 1) {
      await timed('upsert', arrive);
      const offer: Offer | undefined = await timed('dispatch', () => store.dispatch(Date.now(), OFFER_TIMEOUT_MS, newId()));
      if (!offer) throw new Error('dispatch offered nothing with agents free');
      const nothing = await timed('dispatchNothing', () => store.dispatch(Date.now(), OFFER_TIMEOUT_MS, newId()));
      if (nothing) throw new Error('a second dispatch offered something with nothing waiting');
      await timed('accept', () => store.accept(offer.interactionId, offer.offerId, offer.agentId, Date.now()));
      await timed('complete', () => store.complete(offer.interactionId, offer.agentId, Date.now()));
      floorTotal += (await serverUs(admin, () => redis.evalsha(floorSha, probeKeys.length, ...probeKeys))).us;
      if (i % 100 === 99) await drain();
    }
    await drain();
    const usPerCall = Object.fromEntries(CALLS.map((call) => [call, Math.round((totals[call] / cycles) * 10) / 10])) as Record<Call, number>;
    const usPerTweet = Math.round(CALLS.reduce((sum, call) => sum + totals[call], 0) / cycles);

    // The building blocks' costs, on the same server, after the cycles.
    const fields = `{${INTERACTION_FIELDS.map((name) => `'${name}'`).join(', ')}}`;
    const floor = floorTotal / cycles;
    const hundredCalls = await perCall(admin, redis, "for i = 1, 100 do redis.call('HGET', KEYS[1], 'f') end return 1", probeKeys, 500);
    const tenReads = await perCall(
      admin,
      redis,
      `local names = {} for i, name in ipairs(${fields}) do names[i] = ARGV[1] .. ':' .. name end for i = 1, 10 do redis.call('HMGET', KEYS[1], unpack(names)) end return 1`,
      probeKeys,
      500,
    );
    const tenConcats = await perCall(
      admin,
      redis,
      `local n = ${fields} for i = 1, 10 do local out = {} for j, name in ipairs(n) do out[j] = ARGV[1] .. ':' .. name end end return 1`,
      probeKeys,
      500,
    );
    const reference = {
      scriptFloorUs: Math.round(floor * 10) / 10,
      redisCallUs: Math.round(((hundredCalls - floor) / 100) * 100) / 100,
      hmget31FieldsUs: Math.round(((tenReads - floor) / 10) * 10) / 10,
      concat31FieldNamesUs: Math.round(((tenConcats - floor) / 10) * 10) / 10,
    };
    log(`Redis µs per call: ${CALLS.map((call) => `${call} ${usPerCall[call]}`).join(', ')}; ${usPerTweet} µs per tweet (5 scripts)`);
    // What the tweet's five calls cost against five calls of an empty script: the scripts' own work.
    const floorRatio = Math.round((usPerTweet / (CALLS.length * reference.scriptFloorUs)) * 10) / 10;
    log(
      `reference: a script call's floor ${reference.scriptFloorUs} µs, one redis.call ${reference.redisCallUs} µs, a 31-field HMGET ${reference.hmget31FieldsUs} µs, ` +
        `building its 31 field names ${reference.concat31FieldNamesUs} µs; the tweet's five calls cost ${floorRatio}× five empty ones`,
    );
    process.stdout.write(`${JSON.stringify({ benchmark: 'routing-scripts', redisVersion, agents, capacity, heldPerAgent, cycles, usPerCall, usPerTweet, reference, floorRatio })}\n`);
  } finally {
    for await (const batch of admin.scanStream({ match: keys.pattern, count: 1000 })) {
      const found = batch as string[];
      if (found.length > 0) await admin.unlink(...found);
    }
    await Promise.all([redis.quit(), admin.quit()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
