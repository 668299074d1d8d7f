// npm run bench:routing — routing decisions per second and decision latency on the real Redis store, with
// BENCH_ROUTING_AGENTS (10000) agents online and at least BENCH_ROUTING_WAITING (50000) interactions waiting
// throughout, next to the raw Redis rate of the same commands without the logic (raw-lua-baseline.util.ts).
// A decision is one dispatch script call that makes an offer. Several clients (each its own connection and
// RedisRoutingStore, like router replicas) dispatch at once, at each level of BENCH_ROUTING_CONCURRENCY
// (1,2,4,8,16,32), BENCH_ROUTING_DECISIONS (10000) decisions per level; between levels the offers are
// accepted and completed and the queue refilled (not timed). Then full cycles (upsert, dispatch, accept,
// complete) at the best level. Then the router's own cycle (RouterService: tweet offered at once, accepted,
// completed) by one router and by as many as the best level, on a tenant with free agents and nothing waiting (the
// typical tweet), counting the Lua scripts each tweet costs: with the stores' answers that let the router skip a
// dispatch certain to find nothing, and without them (every dispatch asked, as before). Own tenants, deleted afterwards. Prints progress and figures, then (last
// line) one JSON object. REDIS_URL (redis://127.0.0.1:6379).
import {
  type AgentCommandPayload,
  type Classification,
  type EventEnvelope,
  type InboundClassifiedPayload,
  type InboundMessage,
  type PayloadOf,
  type TopicName,
  Topics,
} from '@perch/contracts';
import { type PublishContext, RecordingEventPublisher } from '@perch/messaging';
import { createLogger, newId, percentile, systemClock } from '@perch/platform';
import { type Offer, RedisRoutingStore, RouterService, type RoutingStore, routingKeys, STATE_CHANGING_CALLS } from '@perch/routing';
import { Redis } from 'ioredis';

import { benchLog, envInteger } from '../bench-env.util';
import { benchMention } from './bench-mention.util';
import { rawBaselineScript, recordScriptCommands } from './raw-lua-baseline.util';

const GOAL = { decisionsPerSecond: 20_000, p99Ms: 5 };
const OFFER_TIMEOUT_MS = 10 * 60_000;
const AGENT_CAPACITY = 10;
const SKILLS = ['billing', 'spanish', 'tech', 'vip'] as const;
/** Interactions' required skill (undefined = anyone) and channel mix: 6 groups with waiting work. */
const REQUIRED = [undefined, undefined, 'billing', 'spanish'] as const;
const DM_SHARE = 0.3;
const SEED_BATCH = 2_000;

interface LevelResult {
  concurrency: number;
  decisions: number;
  missed: number;
  decisionsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  rawPerSecond: number;
  rawP50Ms: number;
  rawP99Ms: number;
  ratio: number;
}

interface Client {
  redis: Redis;
  store: RedisRoutingStore;
}

const log = benchLog('routing');

function envLevels(name: string, fallback: readonly number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return [...fallback];
  const levels = raw.split(',').map(Number);
  if (levels.some((level) => !Number.isInteger(level) || level <= 0)) throw new Error(`${name} must list positive integers (got ${raw})`);
  return levels;
}

const LABELS: Classification = {
  sentiment: 'negative',
  sentimentScore: 0.9,
  actionability: 'actionable',
  actionabilityScore: 0.8,
  sentimentFeatures: ['never arrived'],
  actionabilityFeatures: ['order'],
  model: 'lexicon-baseline@1',
};

let messageSequence = 0;

function message(dm: boolean): InboundMessage {
  messageSequence += 1;
  return benchMention(messageSequence, { brandAccountId: '1000', brandUsername: 'perchbrand', text: '@perchbrand my order never arrived, can you check where it is?', dm });
}

/** Arrival i: its priority, skill and channel follow from i (a fixed mix, no randomness). */
async function arrive(store: RedisRoutingStore, i: number, now: number): Promise<void> {
  const required = REQUIRED[i % REQUIRED.length];
  await store.upsertInteraction({
    message: message((i * 7919) % 10 < DM_SHARE * 10),
    classification: LABELS,
    priority: (i * 31) % 4,
    correlationId: newId(),
    interactionIdIfNew: newId(),
    ...(required === undefined ? {} : { requiredSkill: required }),
    now,
  });
}

async function inBatches(count: number, clients: readonly Client[], run: (client: Client, i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += SEED_BATCH) {
    const end = Math.min(count, start + SEED_BATCH);
    const work: Promise<void>[] = [];
    for (let i = start; i < end; i += 1) {
      const client = clients[i % clients.length];
      if (client) work.push(run(client, i));
    }
    await Promise.all(work);
  }
}

/**
 * What the routers' relays do to the outbox, without Kafka: take the recorded changes and acknowledge them, in the
 * background while the figures are measured, so the outbox's Redis cost (XADD in each script, XREADGROUP, XACK and
 * XDEL) is in them, as in production, and the stream stays short.
 */
function startOutboxDrain(store: RedisRoutingStore): { stop(): Promise<number> } {
  let running = true;
  let drained = 0;
  const loop = (async (): Promise<void> => {
    while (running) {
      const changes = await store.claimChanges({ relayId: 'bench-relay', limit: 500 });
      if (changes.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      await store.ackChanges(changes.map((change) => change.id));
      drained += changes.length;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return drained;
    },
  };
}

/** Closed loop: `concurrency` clients, one call in flight each, until `total` calls; per-call wall times. */
async function closedLoop<C, T>(
  clients: readonly C[],
  concurrency: number,
  total: number,
  call: (client: C) => Promise<T>,
): Promise<{ elapsedMs: number; durations: number[]; results: T[] }> {
  const durations: number[] = [];
  const results: T[] = [];
  let issued = 0;
  const worker = async (client: C): Promise<void> => {
    while (issued < total) {
      issued += 1;
      const started = performance.now();
      const result = await call(client);
      durations.push(performance.now() - started);
      results.push(result);
    }
  };
  const started = performance.now();
  await Promise.all(clients.slice(0, concurrency).map((client) => worker(client)));
  const elapsedMs = performance.now() - started;
  durations.sort((a, b) => a - b);
  return { elapsedMs, durations, results };
}

/**
 * A store that counts its scripts; `askEveryDispatch`: it never says a dispatch would find nothing, so the router asks
 * every time (its behaviour before the stores' answers).
 */
function countedStore(store: RedisRoutingStore, counts: { scripts: number; dispatches: number }, askEveryDispatch: boolean): RoutingStore {
  return new Proxy(store, {
    get: (target, property, receiver) => {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'mayDispatchAfter' && askEveryDispatch) return () => true;
      return (...args: unknown[]) => {
        if ((STATE_CHANGING_CALLS as ReadonlySet<string>).has(property)) counts.scripts += 1;
        if (property === 'dispatch') counts.dispatches += 1;
        return method.apply(target, args);
      };
    },
  });
}

interface NotedOffer {
  interactionId: string;
  offerId: string;
  agentId: string;
}

/** Drops the events once validated (no Kafka), noting each offer by its conversation so the cycle can answer it. */
class OfferNotingPublisher extends RecordingEventPublisher {
  constructor(private readonly offers: Map<string, NotedOffer>) {
    super('bench-router');
  }

  override async publish<T extends TopicName>(topic: T, payload: PayloadOf<T>, context: PublishContext): Promise<EventEnvelope<PayloadOf<T>>> {
    const envelope = await super.publish(topic, payload, context);
    this.clear();
    if (topic === Topics.InteractionLifecycle) {
      const event = payload as PayloadOf<typeof Topics.InteractionLifecycle>;
      if (event.type === 'offered' && event.offerId !== undefined && event.agentId !== undefined) {
        this.offers.set(event.conversationKey, { interactionId: event.interactionId, offerId: event.offerId, agentId: event.agentId });
      }
    }
    return envelope;
  }
}

function benchEnvelope<P>(payload: P): EventEnvelope<P> {
  return { eventId: newId(), occurredAt: new Date().toISOString(), correlationId: newId(), schemaVersion: 1, producer: 'bench', payload };
}

async function main(): Promise<void> {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const agentCount = envInteger('BENCH_ROUTING_AGENTS', 10_000);
  const waiting = envInteger('BENCH_ROUTING_WAITING', 50_000);
  const perLevel = envInteger('BENCH_ROUTING_DECISIONS', 10_000);
  const levels = envLevels('BENCH_ROUTING_CONCURRENCY', [1, 2, 4, 8, 16, 32]);
  const cycles = envInteger('BENCH_ROUTING_CYCLES', 5_000);
  const tenant = `bench-routing-${newId().slice(0, 8)}`;
  const keys = routingKeys(tenant);
  const prefix = keys.pattern.slice(0, -1);

  const admin = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const clients: Client[] = Array.from({ length: Math.max(...levels) }, () => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    return { redis, store: new RedisRoutingStore(redis, tenant) };
  });
  const [first] = clients;
  if (!first) throw new Error('no client');
  const redisVersion = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? 'unknown';

  const drainer = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const drain = startOutboxDrain(new RedisRoutingStore(drainer, tenant));
  try {
    log(`tenant ${tenant} on ${redisUrl} (Redis ${redisVersion}); ${agentCount} agents, ${waiting} waiting, ${perLevel} decisions per level`);
    let started = performance.now();
    await inBatches(agentCount, clients, async ({ store }, i) => {
      const skills = SKILLS.filter((_, s) => s !== i % SKILLS.length);
      await store.setPresence({ agentId: `agent-${i}`, state: 'ready', capacity: AGENT_CAPACITY, skills, now: Date.now() - agentCount + i });
    });
    log(`${agentCount} agents ready (capacity ${AGENT_CAPACITY}, 3 of ${SKILLS.length} skills each) in ${Math.round(performance.now() - started)} ms`);
    started = performance.now();
    // The queue holds `waiting` more than a level takes, so it never falls under `waiting` while measured.
    const base = Date.now() - 3_600_000;
    await inBatches(waiting + perLevel, clients, ({ store }, i) => arrive(store, i, base + Math.floor((i * 3_600_000) / (waiting + perLevel))));
    let arrivals = waiting + perLevel;
    log(`${arrivals} interactions waiting in ${Object.keys(await admin.hgetall(keys.queueGroups)).length} groups, seeded in ${Math.round(performance.now() - started)} ms`);

    // Accepts and completes what a level offered and refills the queue: every level starts from the same state.
    const restore = async (offers: readonly Offer[]): Promise<void> => {
      await inBatches(offers.length, clients, async ({ store }, i) => {
        const offer = offers[i];
        if (!offer) return;
        const now = Date.now();
        await store.accept(offer.interactionId, offer.offerId, offer.agentId, now);
        await store.complete(offer.interactionId, offer.agentId, now);
        // A complete may leave the agent in after-interaction work: back to ready, its place kept.
        if ((await store.getAgent(offer.agentId))?.state !== 'ready') {
          await store.setPresence({ agentId: offer.agentId, state: 'ready', now });
        }
      });
      await inBatches(offers.length, clients, ({ store }, i) => arrive(store, arrivals + i, Date.now()));
      arrivals += offers.length;
    };
    const dispatch = (client: Client): Promise<Offer | undefined> => client.store.dispatch(Date.now(), OFFER_TIMEOUT_MS, newId());

    log('warm-up: 1000 decisions');
    await restore((await closedLoop(clients, 4, 1_000, dispatch)).results.filter((offer): offer is Offer => offer !== undefined));

    // One decision under MONITOR: the commands the raw baseline replays.
    const markerText = `bench-routing-marker-${newId()}`;
    let recordedOffer: Offer | undefined;
    const recorded = await recordScriptCommands(
      redisUrl,
      prefix,
      async () => {
        recordedOffer = await dispatch(first);
      },
      async () => {
        await first.redis.echo(markerText);
      },
      markerText,
    );
    if (recordedOffer) await restore([recordedOffer]);
    const raw = await rawBaselineScript(admin, recorded, prefix);
    const rawSha = (await admin.script('LOAD', raw.source)) as string;
    log(`one decision ran ${raw.commands} Redis commands (${raw.writes} writes): ${Object.entries(raw.byName).map(([name, n]) => `${name} ${n}`).join(', ')}`);

    const results: LevelResult[] = [];
    for (const concurrency of levels) {
      const decided = await closedLoop(clients, concurrency, perLevel, dispatch);
      const offers = decided.results.filter((offer): offer is Offer => offer !== undefined);
      const rawRun = await closedLoop(clients, concurrency, perLevel, ({ redis }) => redis.evalsha(rawSha, raw.keys.length, ...raw.keys));
      await restore(offers);
      const decisionsPerSecond = offers.length / (decided.elapsedMs / 1000);
      const rawPerSecond = perLevel / (rawRun.elapsedMs / 1000);
      const level: LevelResult = {
        concurrency,
        decisions: offers.length,
        missed: perLevel - offers.length,
        decisionsPerSecond: Math.round(decisionsPerSecond),
        p50Ms: round2(percentile(decided.durations, 50)),
        p99Ms: round2(percentile(decided.durations, 99)),
        rawPerSecond: Math.round(rawPerSecond),
        rawP50Ms: round2(percentile(rawRun.durations, 50)),
        rawP99Ms: round2(percentile(rawRun.durations, 99)),
        ratio: round2(decisionsPerSecond / rawPerSecond),
      };
      results.push(level);
      log(
        `${String(concurrency).padStart(2)} clients: ${level.decisionsPerSecond} decisions/s, p50 ${level.p50Ms} ms, p99 ${level.p99Ms} ms` +
          `${level.missed > 0 ? ` (${level.missed} found nothing)` : ''}; raw script ${level.rawPerSecond}/s, p99 ${level.rawP99Ms} ms; ratio ${level.ratio}`,
      );
    }

    const withinGoal = results.filter((level) => level.p99Ms < GOAL.p99Ms);
    const best = [...(withinGoal.length > 0 ? withinGoal : results)].sort((a, b) => b.decisionsPerSecond - a.decisionsPerSecond)[0];
    if (!best) throw new Error('no level measured');

    log(`full cycles at ${best.concurrency} clients: upsert, dispatch, accept, complete`);
    const dispatchDurations: number[] = [];
    let missedCycles = 0;
    const cycle = await closedLoop(clients, best.concurrency, cycles, async ({ store }) => {
      arrivals += 1;
      await arrive(store, arrivals, Date.now());
      const before = performance.now();
      const offer = await store.dispatch(Date.now(), OFFER_TIMEOUT_MS, newId());
      dispatchDurations.push(performance.now() - before);
      if (!offer) {
        missedCycles += 1;
        return;
      }
      const now = Date.now();
      await store.accept(offer.interactionId, offer.offerId, offer.agentId, now);
      await store.complete(offer.interactionId, offer.agentId, now);
    });
    dispatchDurations.sort((a, b) => a - b);
    const fullCycle = {
      concurrency: best.concurrency,
      cycles,
      missed: missedCycles,
      cyclesPerSecond: Math.round((cycles - missedCycles) / (cycle.elapsedMs / 1000)),
      dispatchP50Ms: round2(percentile(dispatchDurations, 50)),
      dispatchP99Ms: round2(percentile(dispatchDurations, 99)),
      cycleP50Ms: round2(percentile(cycle.durations, 50)),
      cycleP99Ms: round2(percentile(cycle.durations, 99)),
    };
    log(
      `full cycles: ${fullCycle.cyclesPerSecond}/s (4 scripts each), dispatch p99 ${fullCycle.dispatchP99Ms} ms, cycle p50 ${fullCycle.cycleP50Ms} ms, p99 ${fullCycle.cycleP99Ms} ms`,
    );

    // One router alone (the cost of a tweet) and as many as the best level (what replicas racing cost).
    const routerCycles: RouterCycleResult[] = [];
    for (const routers of [...new Set([1, best.concurrency])]) {
      routerCycles.push(...(await measureRouterCycles(redisUrl, `${tenant}-router${routers}`, routers, cycles)));
    }

    const drained = await drain.stop();
    const outboxLeft = await admin.xlen(keys.outbox);
    log(`outbox: ${drained} changes taken and acknowledged by the drain, ${outboxLeft} left`);
    const met = best.decisionsPerSecond >= GOAL.decisionsPerSecond && best.p99Ms < GOAL.p99Ms;
    log('---- figures ----');
    log(
      `${best.decisionsPerSecond} decisions/s with p99 ${best.p99Ms} ms at ${best.concurrency} clients (${agentCount} agents, ≥ ${waiting} waiting); ` +
        `raw Redis, same commands without the logic: ${best.rawPerSecond}/s (ratio ${best.ratio}); goal ${GOAL.decisionsPerSecond}/s with p99 < ${GOAL.p99Ms} ms: ${met ? 'met' : 'not met'}`,
    );
    const result = {
      benchmark: 'routing',
      redisVersion,
      agents: agentCount,
      waiting,
      decisionsPerSecond: best.decisionsPerSecond,
      p50DecisionMs: best.p50Ms,
      p99DecisionMs: best.p99Ms,
      concurrency: best.concurrency,
      rawScriptPerSecond: best.rawPerSecond,
      ratio: best.ratio,
      goal: { ...GOAL, met },
      rawScript: { commands: raw.commands, writes: raw.writes, byName: raw.byName },
      levels: results,
      fullCycle,
      routerCycles,
      outbox: { drained, left: outboxLeft },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for await (const batch of admin.scanStream({ match: keys.pattern, count: 1000 })) {
      const found = batch as string[];
      if (found.length > 0) await admin.unlink(...found);
    }
    await drain.stop();
    await Promise.all([admin, drainer, ...clients.map(({ redis }) => redis)].map((redis) => redis.quit()));
  }
}

interface RouterCycleResult {
  routers: number;
  mode: 'every dispatch asked' | 'store answers';
  cyclesPerSecond: number;
  scriptsPerTweet: number;
  dispatchesPerTweet: number;
  cycleP50Ms: number;
  cycleP99Ms: number;
  /** Bytes the routers sent to Redis and got back, per tweet, counted on their sockets. */
  redisBytesSentPerTweet: number;
  redisBytesReceivedPerTweet: number;
  /** CPU per tweet (µs) of this process, where the routers run, and of the Redis server (INFO cpu). */
  routerCpuUsPerTweet: number;
  redisCpuUsPerTweet: number;
}

/** The Redis server's CPU so far (µs, user + system), from INFO cpu. */
async function redisCpuUs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const seconds = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6;
}

/** Bytes sent and received so far on the connections' sockets (undefined before they connect). */
function socketBytes(connections: readonly Redis[]): { sent: number; received: number } {
  return connections.reduce(
    (sum, redis) => ({ sent: sum.sent + (redis.stream?.bytesWritten ?? 0), received: sum.received + (redis.stream?.bytesRead ?? 0) }),
    { sent: 0, received: 0 },
  );
}

/**
 * RouterService cycles on their own tenant, `concurrency` routers (one connection and store each) sharing it:
 * ROUTER_AGENTS agents ready, nothing waiting; each cycle a tweet (handleClassified), its offer accepted and the
 * interaction completed (handleAgentCommand), events through each router's outbox relay. Twice: every dispatch asked,
 * then with the stores' answers.
 */
async function measureRouterCycles(redisUrl: string, tenant: string, concurrency: number, cycles: number): Promise<RouterCycleResult[]> {
  const agents = Math.max(50, concurrency * 4);
  const connections = Array.from({ length: concurrency }, () => new Redis(redisUrl, { maxRetriesPerRequest: 2 }));
  // Offers are logged at info: not in a benchmark's output.
  const logger = createLogger('bench-router');
  logger.level = 'warn';
  const results: RouterCycleResult[] = [];
  try {
    const [first] = connections;
    if (!first) throw new Error('no connection');
    const setup = new RedisRoutingStore(first, tenant);
    for (let i = 0; i < agents; i += 1) {
      await setup.setPresence({ agentId: `router-agent-${i}`, state: 'ready', capacity: AGENT_CAPACITY, now: Date.now() });
    }
    await setup.ackChanges((await setup.claimChanges({ relayId: 'bench-setup', limit: agents + 10 })).map((change) => change.id));
    for (const askEveryDispatch of [true, false]) {
      const counts = { scripts: 0, dispatches: 0 };
      const offers = new Map<string, NotedOffer>();
      const routers = connections.map(
        (redis) =>
          new RouterService(countedStore(new RedisRoutingStore(redis, tenant), counts, askEveryDispatch), new OfferNotingPublisher(offers), systemClock, logger, {
            tenant,
            offerTimeoutMs: OFFER_TIMEOUT_MS,
            sweepIntervalMs: 60_000,
          }),
      );
      const command = (payload: Omit<AgentCommandPayload, 'commandId'>): EventEnvelope<AgentCommandPayload> => benchEnvelope({ commandId: newId(), ...payload });
      const bytesBefore = socketBytes(connections);
      const cpuBefore = process.cpuUsage();
      const redisCpuBefore = await redisCpuUs(first);
      const run = await closedLoop(routers, concurrency, cycles, async (router) => {
        const tweet = message(false);
        const classified: InboundClassifiedPayload = { message: tweet, classification: LABELS, classifiedAt: Date.now() };
        await router.handleClassified(benchEnvelope(classified));
        // Another router's loop may have offered this tweet: its flush announces it soon after.
        let offer = offers.get(tweet.conversationKey);
        while (offer === undefined) {
          await new Promise((resolve) => setImmediate(resolve));
          offer = offers.get(tweet.conversationKey);
        }
        offers.delete(tweet.conversationKey);
        await router.handleAgentCommand(command({ type: 'accept', agentId: offer.agentId, interactionId: offer.interactionId, offerId: offer.offerId }));
        await router.handleAgentCommand(command({ type: 'complete', agentId: offer.agentId, interactionId: offer.interactionId }));
      });
      // Read before anything else runs: the relays' last flush is inside the cycles' own waits.
      const cpu = process.cpuUsage(cpuBefore);
      const bytes = socketBytes(connections);
      const redisCpu = (await redisCpuUs(first)) - redisCpuBefore;
      const result: RouterCycleResult = {
        routers: concurrency,
        mode: askEveryDispatch ? 'every dispatch asked' : 'store answers',
        cyclesPerSecond: Math.round(cycles / (run.elapsedMs / 1000)),
        scriptsPerTweet: round2(counts.scripts / cycles),
        dispatchesPerTweet: round2(counts.dispatches / cycles),
        cycleP50Ms: round2(percentile(run.durations, 50)),
        cycleP99Ms: round2(percentile(run.durations, 99)),
        redisBytesSentPerTweet: Math.round((bytes.sent - bytesBefore.sent) / cycles),
        redisBytesReceivedPerTweet: Math.round((bytes.received - bytesBefore.received) / cycles),
        routerCpuUsPerTweet: Math.round((cpu.user + cpu.system) / cycles),
        redisCpuUsPerTweet: Math.round(redisCpu / cycles),
      };
      results.push(result);
      log(
        `router cycles at ${concurrency} routers (${result.mode}): ${result.cyclesPerSecond}/s, ${result.scriptsPerTweet} Lua scripts per tweet ` +
          `(${result.dispatchesPerTweet} dispatches), cycle p50 ${result.cycleP50Ms} ms, p99 ${result.cycleP99Ms} ms; per tweet ` +
          `${result.redisBytesSentPerTweet} B to Redis, ${result.redisBytesReceivedPerTweet} B back, CPU ${result.routerCpuUsPerTweet} µs here and ${result.redisCpuUsPerTweet} µs in Redis`,
      );
    }
  } finally {
    const [admin] = connections;
    if (admin) {
      for await (const batch of admin.scanStream({ match: routingKeys(tenant).pattern, count: 1000 })) {
        const found = batch as string[];
        if (found.length > 0) await admin.unlink(...found);
      }
    }
    await Promise.all(connections.map((redis) => redis.quit()));
  }
  return results;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:routing failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
