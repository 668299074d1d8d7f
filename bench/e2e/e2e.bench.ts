// npm run bench:e2e — the distributed stack (the four apps as OS processes on real Kafka, Redis and PostgreSQL, X
// played by the simulator) measured end to end. Progress lines on stdout ([bench:e2e] …), then, as the LAST line, one
// JSON object with the figures. What each figure means, and how idle and swarm saturation are judged: bench/README.md.
//
// Phases, each starting only once the stack is idle (stack-idle.util.ts): warm-up (full loop) → light latency (50/s)
// → light handled (the full loop at 50/s: the agents' action latencies) → latency (1,000/s) → pipeline (a burst at
// full speed) → handled (a burst, full loop) → agents sign out, idle → cluster stops → null pipeline and null handled
// loop (the physical references) on the same broker.
//
// Knobs (env):
//   BENCH_PIPELINE_TWEETS (5000; BENCH_TWEETS is read too)  tweets of the pipeline phase, played at full speed
//   BENCH_PIPELINE_MAX_S (90)        longest wait for their offers
//   BENCH_HANDLED_TWEETS (3000)      tweets of the handled phase (agents accept, reply and finish at once)
//   BENCH_HANDLED_MAX_S (90)         wall time the handled rate is measured over at most
//   BENCH_LATENCY_RATE (1000), BENCH_LOW_RATE (50)   tweets/s of the two latency phases
//   BENCH_LATENCY_SECONDS (5)        how long each latency phase plays tweets
//   BENCH_LIGHT_HANDLED_SECONDS (15) how long the light handled phase (the agents' action latencies) plays tweets
//   BENCH_LATENCY_GRACE_S (40)       how long after the last tweet a latency phase still waits for offers
//   BENCH_WARMUP_TWEETS (200)        full-loop tweets at 100/s before anything is measured
//   BENCH_AGENTS (200), BENCH_CAPACITY (50, the contract's maximum)   simulated agents and what each may hold
//   BENCH_IDLE_MAX_S (90)            longest wait for the stack to become idle between phases
//   BENCH_REST_S (5)                 how long the idle stack's CPU is read after start-up (cpuAtRestMsPerSecond)
//   BENCH_NULL_MESSAGES (= pipeline tweets), BENCH_MESSAGE_BYTES (1500)   the null pipeline's run and value size
//   BENCH_NULL_LOOP_TWEETS (10000)   the null handled loop's run
//   BENCH_BUDGET_S (400)             the whole run's time budget: phase caps shrink when it runs low
//   BENCH_GATEWAY_WORKERS (0)        gateway workers (ADR 43): with some, the gateway runs as an edge beside this many
//                                    workers, each reported as its own process (gateway-worker, gateway-worker#2…)
import 'reflect-metadata';

import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { MAX_CHANNEL_CAPACITY } from '@perch/contracts';
import { configureLogging, percentile } from '@perch/platform';
import { deleteNamespaceKeys, deleteNamespaceTopics, dropNamespaceSchemas, freePort, type PerchApp, startPerchCluster } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';
import { Redis } from 'ioredis';

import { benchLog, envInteger, round } from '../bench-env.util';
import type { ActionKind, ActionRecord, OfferRecord, SwarmInFlight, SwarmMode } from './agent-swarm.util';
import { GC_TALLY_DIR_VARIABLE, type GcPerTweet, gcPerTweet, type GcTally, readGcTally } from './gc-tally.util';
import { delayed, LoadWindow, SATURATION_LIMITS, saturated } from './load-window.util';
import { NULL_HANDLED_LOOP_TOPOLOGY, NULL_PIPELINE_TOPOLOGY, nullGroupsByTopic, type NullTopology } from './null-pipeline-topology.constants';
import { measureNullTopology } from './null-pipeline.util';
import {
  appProcesses,
  cpuBetween,
  kafkaBrokerPid,
  PeakMemorySampler,
  pidSource,
  postgresSource,
  readStat,
  redisSource,
  type RssParts,
  selfSource,
  snapshot,
  type UsageSource,
} from './process-usage.util';
import { type IdleVerdict, StackIdleProbe } from './stack-idle.util';
import type { ProcessLoad, SwarmPoll } from './swarm-protocol.types';
import { SwarmProcess } from './swarm-process.util';

const BRAND = 'acme_support';
const BRAND_TOKEN = 'bench-brand-token';
const APP_BEARER = 'bench-app-bearer';
const APPS = ['ingestor', 'classifier', 'router', 'gateway'] as const;
const MEMORY_GOAL_MB = 150;
const FULL_SPEED = 100_000;

const log = benchLog('e2e');

interface PhaseReport {
  tweets: number;
  complete: boolean;
  elapsedMs: number;
  idle: { idle: boolean; waitedMs: number; lag?: number; stillBusy?: Record<string, number> };
  swarm: ProcessLoad;
  simulator: ProcessLoad;
  [key: string]: unknown;
}

function env(name: string, fallback: number, alias?: string): number {
  if (alias !== undefined && (process.env[name] ?? '') === '' && (process.env[alias] ?? '') !== '') return envInteger(alias, fallback);
  return envInteger(name, fallback);
}

/** The space-separated words of <prefix>_<APP> (BENCH_NODE_ARGS_GATEWAY, BENCH_ENV_ROUTER, ...). */
function wordsOfAppVariable(prefix: string, app: PerchApp): string[] {
  return (process.env[`${prefix}_${app.toUpperCase()}`] ?? '').split(/\s+/).filter((word) => word !== '');
}

/** Where every app's garbage collections are tallied (gc-tally-preload.bench.ts, ADR 49): read at the handled phase's edges. */
const GC_TALLY_DIR = join(process.cwd(), 'tmp', 'e2e-gc');

/**
 * Node flags per app: every app loads gc-tally-preload.bench.js, which tallies its garbage collections for
 * gcPerHandledTweet. BENCH_PROFILE=gateway,router writes V8 CPU profiles of those apps to tmp/profiles when
 * they stop; BENCH_NODE_ARGS_<APP> (e.g. BENCH_NODE_ARGS_GATEWAY="--max-old-space-size=256") tries a runtime setting
 * before it goes into tools/runtime/app-runtime.env.
 */
function appNodeArgs(): Partial<Record<PerchApp, string[]>> {
  const profiled = (process.env['BENCH_PROFILE'] ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = profiled.filter((n) => !(APPS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`BENCH_PROFILE names no app: ${unknown.join(', ')} (apps: ${APPS.join(', ')})`);
  const dir = join(process.cwd(), 'tmp', 'profiles');
  return Object.fromEntries(
    APPS.map((app) => {
      const extra = wordsOfAppVariable('BENCH_NODE_ARGS', app);
      const gcTally = ['--require', join(__dirname, 'gc-tally-preload.bench.js')];
      return [app, [...gcTally, ...(profiled.includes(app) ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), ...extra]];
    }),
  );
}

/**
 * Extra environment per app: BENCH_ENV_<APP>="KEY=value KEY=value" (e.g. BENCH_ENV_ROUTER="BUS_KEY_CONCURRENCY=32")
 * tries a setting of the app's own config, over the bench's.
 */
function appEnv(base: Partial<Record<PerchApp, Record<string, string>>>): Partial<Record<PerchApp, Record<string, string>>> {
  return Object.fromEntries(
    APPS.map((app) => {
      const extra = wordsOfAppVariable('BENCH_ENV', app).map((pair) => {
        const at = pair.indexOf('=');
        if (at <= 0) throw new Error(`BENCH_ENV_${app.toUpperCase()}: "${pair}" is not KEY=value`);
        return [pair.slice(0, at), pair.slice(at + 1)] as const;
      });
      return [app, { [GC_TALLY_DIR_VARIABLE]: GC_TALLY_DIR, ...base[app], ...Object.fromEntries(extra) }];
    }),
  );
}

async function main(): Promise<void> {
  // The simulator and the bench's own libraries log through pino on stdout, which carries the report: errors only.
  configureLogging({ level: 'error', service: 'bench-e2e' });
  const kafkaBrokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const pipelineTweets = env('BENCH_PIPELINE_TWEETS', 5_000, 'BENCH_TWEETS');
  const pipelineMaxMs = env('BENCH_PIPELINE_MAX_S', 90) * 1000;
  const handledTweets = env('BENCH_HANDLED_TWEETS', 3_000);
  const handledMaxMs = env('BENCH_HANDLED_MAX_S', 90) * 1000;
  const latencyRate = env('BENCH_LATENCY_RATE', 1000);
  const lowRate = env('BENCH_LOW_RATE', 50);
  const latencySeconds = env('BENCH_LATENCY_SECONDS', 5);
  const latencyGraceMs = env('BENCH_LATENCY_GRACE_S', 40) * 1000;
  const warmUpTweets = env('BENCH_WARMUP_TWEETS', 200);
  const agentCount = env('BENCH_AGENTS', 200);
  const capacity = Math.min(env('BENCH_CAPACITY', MAX_CHANNEL_CAPACITY), MAX_CHANNEL_CAPACITY);
  const idleMaxMs = env('BENCH_IDLE_MAX_S', 90) * 1000;
  const restMs = env('BENCH_REST_S', 5) * 1000;
  const nullMessages = env('BENCH_NULL_MESSAGES', pipelineTweets);
  // Longer than the latency phases: 5 s gave 250 samples per action, and p50s that moved by half between runs.
  const lightHandledSeconds = env('BENCH_LIGHT_HANDLED_SECONDS', 15);
  // Longer than the handled phase: at its 1.5–2k tweets a second, 3,000 would be a run of under two seconds.
  const nullLoopMessages = env('BENCH_NULL_LOOP_TWEETS', 10_000);
  const messageBytes = env('BENCH_MESSAGE_BYTES', 1500);
  const budgetEnd = Date.now() + env('BENCH_BUDGET_S', 400) * 1000;
  // 0 (no split) is the default; set, it must be a positive count.
  const gatewayWorkers = (process.env['BENCH_GATEWAY_WORKERS'] ?? '') === '' ? 0 : env('BENCH_GATEWAY_WORKERS', 1);
  const loadAverageAtStart = loadavg().map((l) => round(l, 2));
  const namespace = `bench-${Date.now()}`;
  const brokers = kafkaBrokers.split(',');
  // A phase's cap, shortened when the run's budget runs low; `reserveMs` is kept for what comes after it.
  const cap = (ms: number, reserveMs: number): number => Math.max(5_000, Math.min(ms, budgetEnd - Date.now() - reserveMs));

  // ---- X: every generated tweet's creation time, and the brand's replies (what X holds) -------------------------
  const totalTweets = warmUpTweets + lowRate * (latencySeconds + lightHandledSeconds) + latencyRate * latencySeconds + pipelineTweets + handledTweets;
  const simulator = new XSimulator({
    seed: { appBearerToken: APP_BEARER, brands: [{ username: BRAND, token: BRAND_TOKEN }] },
    rateLimits: 'unlimited',
    maxStoredTweets: 2 * totalTweets + 10_000,
  });
  const { baseUrl } = await simulator.start(await freePort());
  const brandId = simulator.account(BRAND).id;
  const createdAt = new Map<string, number>();
  const repliedAt = new Map<string, number>();
  let phaseTweets: string[] = [];
  simulator.runtime.store.onTweetCreated((tweet) => {
    if (tweet.authorId === brandId) {
      if (tweet.inReplyToTweetId !== undefined && !repliedAt.has(tweet.inReplyToTweetId)) repliedAt.set(tweet.inReplyToTweetId, tweet.createdAtMs);
    } else if (tweet.origin === 'generator') {
      createdAt.set(tweet.id, tweet.createdAtMs);
      phaseTweets.push(tweet.id);
    }
  });
  const simulatorLoad = new LoadWindow();
  log(`simulator at ${baseUrl}`);

  // ---- the stack -----------------------------------------------------------------------------------------------
  const agents = Array.from({ length: agentCount }, (_, i) => ({ username: `agent${i + 1}`, password: `pw-${i + 1}` }));
  rmSync(GC_TALLY_DIR, { recursive: true, force: true });
  mkdirSync(GC_TALLY_DIR, { recursive: true });
  const cluster = await startPerchCluster({
    kafkaBrokers,
    redisUrl,
    databaseUrl,
    namespace,
    xApiBaseUrl: baseUrl,
    appBearer: APP_BEARER,
    brandTokens: `${BRAND}=${BRAND_TOKEN}`,
    agents: agents.map((a) => ({ id: a.username, password: a.password, capacity, brands: [BRAND] })),
    logLevel: 'warn',
    nodeArgs: appNodeArgs(),
    // Held offers must outlive a hold phase and its drain: a timed-out offer would be offered again.
    env: appEnv({ router: { ROUTER_OFFER_TIMEOUT_MS: '600000' } }),
    gatewayWorkers,
  });
  const apps = namedGatewayWorkers(appProcesses(APPS), new Set(cluster.gatewayWorkers.map((worker) => worker.pid)));
  log(`apps up (namespace ${namespace}): ${apps.map((a) => `${a.name}=${a.pid}`).join(' ')}; logs in tmp/e2e-logs`);

  const swarm = SwarmProcess.spawn();
  const swarmPid = swarm.pid;
  await swarm.start(cluster.gatewayUrl, agents);
  log(`${agentCount} agents ready in their own process (pid ${swarmPid}), capacity ${capacity} each`);

  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const brokerPid = kafkaBrokerPid();
  const postgres = postgresSource();
  const sources: UsageSource[] = [
    ...(brokerPid === undefined ? [] : [pidSource('kafka', 'stack', brokerPid)]),
    redisSource(redis),
    ...(postgres ? [postgres] : []),
    ...apps.map((a) => pidSource(a.name, 'stack', a.pid)),
    ...(swarmPid === undefined ? [] : [pidSource('swarm', 'bench', swarmPid)]),
    selfSource('simulator'),
  ];
  const stackNames = new Set(sources.filter((s) => s.role === 'stack').map((s) => s.name));
  const memory = new PeakMemorySampler(() => sources);
  memory.start();

  const gcTallies = (): Map<string, GcTally | undefined> => new Map(apps.map((a) => [a.name, readGcTally(GC_TALLY_DIR, a.pid)]));

  // Every router replica's outbox counts.
  const routerMetricsUrls = (): string[] => cluster.replicaInternalPorts.router.map((port) => `http://127.0.0.1:${port}/metrics`);
  const probe = new StackIdleProbe(brokers, namespace, routerMetricsUrls);
  await probe.connect();

  // ---- what the agents saw --------------------------------------------------------------------------------------
  const offerByMessage = new Map<string, OfferRecord>();
  const completedAt = new Map<string, number>();
  /** The agents' action timings since the current handled phase began. */
  let phaseActions: ActionRecord[] = [];
  let swarmStopped = false;
  const pollSwarm = async (): Promise<SwarmPoll> => {
    const poll = await swarm.poll();
    for (const action of poll.actions) phaseActions.push(action);
    for (const offer of poll.offers) if (!offerByMessage.has(offer.messageId)) offerByMessage.set(offer.messageId, offer);
    for (const done of poll.completions) completedAt.set(done.interactionId, done.at);
    return poll;
  };
  const NOTHING_IN_FLIGHT: SwarmInFlight = { held: 0, acceptsAwaiting: 0, requests: 0, awaitingCompletion: 0 };
  const inFlight = (ignoreHeld: boolean) => async (): Promise<SwarmInFlight> => {
    if (swarmStopped) return NOTHING_IN_FLIGHT;
    const { inFlight: now } = await pollSwarm();
    return ignoreHeld ? { ...now, held: 0 } : now;
  };
  const waitIdle = async (what: string, ignoreHeld = false): Promise<IdleVerdict> => {
    const verdict = await probe.waitIdle(inFlight(ignoreHeld), cap(idleMaxMs, 45_000));
    if (!verdict.idle) {
      const busy = Object.entries(verdict.last.lagByGroup).filter(([, lag]) => lag > 0);
      log(`${what}: stack NOT idle after ${verdict.waitedMs} ms (lag ${verdict.last.lag} ${JSON.stringify(Object.fromEntries(busy))}, outbox ${verdict.last.outboxPending}, agents ${JSON.stringify(verdict.swarm)}); going on`);
    }
    return verdict;
  };
  const idleReport = (verdict: IdleVerdict): PhaseReport['idle'] => ({
    idle: verdict.idle,
    waitedMs: verdict.waitedMs,
    ...(verdict.idle
      ? {}
      : { lag: verdict.last.lag, stillBusy: { ...Object.fromEntries(Object.entries(verdict.last.lagByGroup).filter(([, l]) => l > 0)), ...verdict.swarm } }),
  });
  const tweetsOfPhase = (): string[] => phaseTweets;
  const openWindows = async (): Promise<void> => {
    await swarm.openWindow();
    simulatorLoad.open();
  };

  // ---- idle after start-up: memory at rest ---------------------------------------------------------------------
  const startIdle = await waitIdle('start-up');
  const rest = await snapshot(sources);
  log(`stack idle after start-up (${startIdle.waitedMs} ms)`);
  // What an idle stack costs: the agents are signed in and nothing arrives, so this is polling, heartbeats and timers.
  await new Promise((resolve) => setTimeout(resolve, restMs));
  const restCpu = cpuBetween(rest, await snapshot(sources));

  // ---- phases --------------------------------------------------------------------------------------------------
  const phases: Record<string, PhaseReport> = {};
  const swarmLoads: ProcessLoad[] = [];
  const simulatorLoads: ProcessLoad[] = [];

  /**
   * X plays the phase's tweets; the agents are polled until each tweet is `done` or the deadline passes, then X's
   * generator stops. What every phase measures from: its window, whether it completed, and the swarm's and X's load.
   */
  const playPhase = async (name: string, rate: number, count: number, deadlineAfter: (startedAt: number) => number, done: (tweetId: string) => boolean) => {
    phaseTweets = [];
    const startedAt = Date.now();
    simulator.startGenerator({ rate, count, customers: 5000, brand: BRAND, seed: `${namespace}-${name}`, replyRatio: 0 });
    const deadline = deadlineAfter(startedAt);
    let complete = false;
    let poll = await pollSwarm();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      poll = await pollSwarm();
      const played = tweetsOfPhase();
      if (played.length >= count && played.every(done)) {
        complete = true;
        break;
      }
      if (Date.now() > deadline) break;
    }
    const endedAt = Date.now();
    const simLoad = simulatorLoad.read();
    simulator.stopGenerator();
    return { startedAt, endedAt, complete, swarmLoad: poll.load, simLoad, tweets: [...tweetsOfPhase()] };
  };

  /** Offers-only phase ("enough free agents"): plays `count` tweets at `rate`, waits for their offers (at most capMs after the last tweet). */
  const offerPhase = async (name: string, rate: number, count: number, waitMs: number) => {
    const mode: SwarmMode = count <= agentCount * capacity ? 'hold' : 'finish';
    if (mode === 'finish') log(`${name}: ${count} tweets exceed the agents' capacity (${agentCount * capacity}): agents finish offers at once instead of holding them`);
    await swarm.setMode(mode);
    const producedBefore = (await probe.probe()).producedByTopic;
    const cpuBefore = await snapshot(sources);
    await openWindows();
    memory.active = true;
    const { startedAt, endedAt, complete, swarmLoad, simLoad, tweets } = await playPhase(
      name,
      rate,
      count,
      (started) => started + (rate >= FULL_SPEED ? 0 : (count / rate) * 1000) + waitMs,
      (id) => offerByMessage.has(id),
    );
    // Idle with the offers still held: the CPU the pipeline took, without the drain's.
    const idleHeld = await waitIdle(`${name} (offers held)`, true);
    const producedAfter = idleHeld.last.producedByTopic;
    const cpuAfter = await snapshot(sources);
    memory.active = false;
    const drained = await swarm.drain();
    await swarm.setMode('finish');
    const idle = await waitIdle(`${name} (drained ${drained} offers)`);
    swarmLoads.push(swarmLoad);
    simulatorLoads.push(simLoad);

    const delivered = tweets.map((id) => ({ id, created: createdAt.get(id) ?? startedAt, offer: offerByMessage.get(id) }));
    const got = delivered.filter((d): d is { id: string; created: number; offer: OfferRecord } => d.offer !== undefined);
    // A tweet whose offer never came waited at least until the phase ended: counted so, the percentiles stay honest.
    const latencies = delivered.map((d) => (d.offer ? d.offer.deliveredAt - d.created : endedAt - d.created)).sort((a, b) => a - b);
    const fromReceipt = got.map((d) => d.offer.deliveredAt - d.offer.receivedAt).sort((a, b) => a - b);
    const firstCreated = Math.min(...delivered.map((d) => d.created));
    const lastDelivered = Math.max(...got.map((d) => d.offer.deliveredAt));
    const perSecond = got.length > 0 ? (got.length * 1000) / Math.max(1, lastDelivered - firstCreated) : 0;
    const messagesPerTweet = messagesPerTweetBetween(producedBefore, producedAfter, tweets.length);
    const offerLatency = latencySummary(latencies, delivered.length - got.length);
    const report: PhaseReport = {
      tweets: tweets.length,
      offersDelivered: got.length,
      complete,
      agentsMode: mode,
      elapsedMs: endedAt - startedAt,
      tweetsPerSecond: round(perSecond),
      offerLatencyMs: offerLatency,
      offerLatencyFromReceiptMs: latencySummary(fromReceipt, 0),
      messagesPerTweet,
      idle: idleReport(idle),
      idleWithOffersHeld: idleReport(idleHeld),
      swarm: swarmLoad,
      simulator: simLoad,
    };
    log(
      `${name}: ${got.length}/${tweets.length} offers in ${report.elapsedMs} ms (${report.tweetsPerSecond}/s), latency p50 ${offerLatency.p50} p99 ${offerLatency.p99} ms; swarm ELU ${swarmLoad.eventLoopUtilization}`,
    );
    return { report, cpu: cpuBetween(cpuBefore, cpuAfter), delivered: got.length, perSecond: round(perSecond), latency: offerLatency };
  };

  /** Full-loop phase: agents accept, reply and finish at once; a tweet is handled once X holds the reply and its interaction is completed. */
  const handledPhase = async (name: string, rate: number, count: number, capMs: number) => {
    await swarm.setMode('reply');
    await pollSwarm();
    phaseActions = [];
    const producedBefore = (await probe.probe()).producedByTopic;
    const cpuBefore = await snapshot(sources);
    const gcBefore = gcTallies();
    await openWindows();
    memory.active = true;
    const handledAt = (id: string): number | undefined => {
      const replied = repliedAt.get(id);
      const offer = offerByMessage.get(id);
      const completed = offer ? completedAt.get(offer.interactionId) : undefined;
      return replied === undefined || completed === undefined ? undefined : Math.max(replied, completed);
    };
    const { startedAt, endedAt, complete, swarmLoad, simLoad, tweets } = await playPhase(
      name,
      rate,
      count,
      (started) => started + capMs,
      (id) => handledAt(id) !== undefined,
    );
    const within = tweets.map(handledAt).filter((at): at is number => at !== undefined && at <= endedAt);
    const firstCreated = Math.min(...tweets.map((id) => createdAt.get(id) ?? startedAt));
    const lastHandled = within.length > 0 ? Math.max(...within) : endedAt;
    if (!complete) log(`${name}: ${within.length}/${tweets.length} handled within ${capMs} ms; waiting for the rest before measuring CPU`);
    const idle = await waitIdle(name);
    const cpuAfter = await snapshot(sources);
    const gcAfter = gcTallies();
    memory.active = false;
    swarmLoads.push(swarmLoad);
    simulatorLoads.push(simLoad);
    // CPU is divided by the tweets handled once the stack went idle: all the work done, all the tweets it was for.
    const handledAtIdle = tweets.filter((id) => handledAt(id) !== undefined).length;
    const actions = actionLatencies(phaseActions);
    const report: PhaseReport = {
      tweets: tweets.length,
      handledWithinCap: within.length,
      handledAtIdle,
      repliesHeldByX: tweets.filter((id) => repliedAt.has(id)).length,
      complete,
      // The whole loop's fan-out: offers, the agents' commands, replies and X's answers, completions.
      messagesPerTweet: messagesPerTweetBetween(producedBefore, idle.last.producedByTopic, tweets.length),
      actionLatencyMs: actions,
      elapsedMs: endedAt - startedAt,
      tweetsPerSecond: round((within.length * 1000) / Math.max(1, lastHandled - firstCreated)),
      idle: idleReport(idle),
      swarm: swarmLoad,
      simulator: simLoad,
    };
    log(`${name}: ${within.length}/${tweets.length} handled in ${report.elapsedMs} ms (${report.tweetsPerSecond}/s), ${handledAtIdle} once idle`);
    const gc: Record<string, GcPerTweet | null> = {};
    for (const app of apps) gc[app.name] = gcPerTweet(gcBefore.get(app.name), gcAfter.get(app.name), handledAtIdle) ?? null;
    return { report, cpu: cpuBetween(cpuBefore, cpuAfter), gc, handledAtIdle, perSecond: report.tweetsPerSecond as number, actions };
  };

  log(`warm-up: ${warmUpTweets} tweets at 100/s, full loop`);
  phases['warmUp'] = (await handledPhase('warm-up', 100, warmUpTweets, cap(60_000, 300_000))).report;

  log(`light latency phase: ${lowRate} tweets/s for ${latencySeconds} s`);
  const light = await offerPhase('light', lowRate, lowRate * latencySeconds, cap(latencyGraceMs, 280_000));
  phases['light'] = light.report;

  // The agents' actions without queueing: the full loop at the light rate.
  log(`light handled phase: ${lowRate} tweets/s for ${lightHandledSeconds} s, agents accept, reply and finish at once`);
  const lightHandled = await handledPhase('light handled', lowRate, lowRate * lightHandledSeconds, cap(lightHandledSeconds * 1000 + latencyGraceMs, 260_000));
  phases['lightHandled'] = lightHandled.report;

  log(`latency phase: ${latencyRate} tweets/s for ${latencySeconds} s`);
  const latency = await offerPhase('latency', latencyRate, latencyRate * latencySeconds, cap(latencyGraceMs, 240_000));
  phases['latency'] = latency.report;

  log(`pipeline phase: ${pipelineTweets} tweets at full speed`);
  const pipeline = await offerPhase('pipeline', FULL_SPEED, pipelineTweets, cap(pipelineMaxMs, 180_000));
  phases['pipeline'] = pipeline.report;

  log(`handled phase: ${handledTweets} tweets at full speed, agents accept, reply and finish at once`);
  const handled = await handledPhase('handled', FULL_SPEED, handledTweets, cap(handledMaxMs, 90_000));
  phases['handled'] = handled.report;

  // ---- the topology the apps really run, against the null pipeline's --------------------------------------------
  const realGroups = (await probe.probe()).groupsByTopic;
  const topologyDiffers = (topology: NullTopology): string[] =>
    [...nullGroupsByTopic(topology)]
      .filter(([topic, groups]) => (realGroups[topic] ?? []).length !== groups.length)
      .map(([topic, groups]) => `${topic}: null ${groups.length} groups, apps ${JSON.stringify(realGroups[topic] ?? [])}`);
  const pipelineDiffers = topologyDiffers(NULL_PIPELINE_TOPOLOGY);
  const loopDiffers = topologyDiffers(NULL_HANDLED_LOOP_TOPOLOGY);
  for (const [name, differs] of [
    ['pipeline', pipelineDiffers],
    ['handled loop', loopDiffers],
  ] as const) {
    if (differs.length > 0) log(`the null ${name} (null-pipeline-topology.constants.ts) differs from the apps': ${differs.join('; ')}`);
  }

  // ---- shutdown: agents sign out, the stack goes idle, then the apps stop -----------------------------------------
  const finalPoll = await pollSwarm();
  const peakUnderLoad = new Map(memory.peaks);
  const peakParts = new Map(memory.peakParts);
  memory.stop();
  log('agents signing out');
  await swarm.stop();
  swarmStopped = true;
  const finalIdle = await waitIdle('after sign-out');
  const afterLoad = await snapshot(sources);
  const highWater = Object.fromEntries(apps.map((a) => [a.name, vmHwm(a.pid)]));
  log('stopping the cluster');
  const shutdownStartedAt = Date.now();
  await cluster.stop();
  const clusterStopMs = Date.now() - shutdownStartedAt;
  const appsLeft = apps.filter((a) => readStat(a.pid) !== undefined).map((a) => a.name);
  await simulator.stop();
  await probe.disconnect();
  const cleanedUp = {
    redisKeys: await deleteNamespaceKeys(redis, namespace),
    schemas: await dropNamespaceSchemas(databaseUrl, namespace),
  };
  await redis.quit();
  await deleteNamespaceTopics(brokers, namespace);
  const logs = scanAppLogs(shutdownStartedAt);

  // ---- the physical reference ----------------------------------------------------------------------------------
  // The bench process's CPU is now its forwarder threads' (the simulator and the swarm are stopped), beside the broker's.
  const nullCpuSources: UsageSource[] = [...(brokerPid === undefined ? [] : [pidSource('kafka', 'stack', brokerPid)]), selfSource('forwarders')];
  const nullOptions = { brokers, valueBytes: messageBytes, warmUp: 500, timeoutMs: 60_000, cpuSources: nullCpuSources };
  log(`null pipeline: ${nullMessages} messages of ${messageBytes} bytes through the same topology, bare forwarders`);
  const nullRun = await measureNullTopology(NULL_PIPELINE_TOPOLOGY, { ...nullOptions, messages: nullMessages });
  log(`null handled loop: ${nullLoopMessages} tweets, ${messageBytes} bytes a message, through the handled phase's topology`);
  const nullLoop = await measureNullTopology(NULL_HANDLED_LOOP_TOPOLOGY, { ...nullOptions, messages: nullLoopMessages });

  // ---- the report ----------------------------------------------------------------------------------------------
  const pick = (cpu: Record<string, number>, role: 'stack' | 'bench'): Record<string, number> =>
    Object.fromEntries(Object.entries(cpu).filter(([name]) => stackNames.has(name) === (role === 'stack')));
  const perTweet = (cpu: Record<string, number>, tweets: number): Record<string, number> =>
    Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, round(ms / Math.max(1, tweets), 3)]));
  const sum = (values: Record<string, number>): number => Object.values(values).reduce((a, b) => a + b, 0);
  const handledStackCpu = pick(handled.cpu, 'stack');
  const pipelineStackCpu = pick(pipeline.cpu, 'stack');
  const mb = (bytes: number | undefined): number | null => (bytes === undefined || !Number.isFinite(bytes) ? null : round(bytes / 1024 / 1024));
  const memoryMb = Object.fromEntries(
    sources.map((s) => [
      s.name,
      {
        rest: mb(rest[s.name]?.memoryBytes),
        peakUnderLoad: mb(peakUnderLoad.get(s.name)),
        afterLoad: mb(afterLoad[s.name]?.memoryBytes),
        ...(highWater[s.name] === undefined ? {} : { highWaterMark: mb(highWater[s.name]) }),
        ...rssSplit(rest[s.name]?.rssParts, peakParts.get(s.name)),
      },
    ]),
  );
  const swarmPeak = swarmLoads.reduce(maxLoad);
  const simulatorPeak = simulatorLoads.reduce(maxLoad);
  const pipelinePerSecond = pipeline.perSecond;
  const handledPerSecond = handled.perSecond;
  const result = {
    pipelineTweetsPerSecond: pipelinePerSecond,
    handledTweetsPerSecond: handledPerSecond,
    offerLatencyMs: { rate: latencyRate, ...latency.latency },
    offerLatencyAtLowRateMs: { rate: lowRate, ...light.latency },
    // What an agent waits for after accepting, replying and marking done: at the light rate, and in the handled burst.
    actionLatencyAtLowRateMs: { rate: lowRate, ...lightHandled.actions },
    actionLatencyMs: { rate: 'handled phase (a burst)', ...handled.actions },
    cpuMsPerTweet: round(sum(handledStackCpu) / Math.max(1, handled.handledAtIdle), 2),
    cpuMsPerTweetByProcess: perTweet(handledStackCpu, handled.handledAtIdle),
    benchCpuMsPerTweet: perTweet(pick(handled.cpu, 'bench'), handled.handledAtIdle),
    gcPerHandledTweet: handled.gc,
    pipelineCpuMsPerTweet: round(sum(pipelineStackCpu) / Math.max(1, pipeline.delivered), 2),
    pipelineCpuMsPerTweetByProcess: perTweet(pipelineStackCpu, pipeline.delivered),
    cpuAtRestMsPerSecond: Object.fromEntries(Object.entries(restCpu).map(([name, ms]) => [name, round((ms * 1000) / Math.max(1, restMs), 1)])),
    nullPipelinePerSecond: nullRun.messagesPerSecond,
    pipelineToNullRatio: round(pipelinePerSecond / Math.max(1, nullRun.messagesPerSecond), 3),
    nullPipeline: { ...nullRun, topologyMatchesApps: pipelineDiffers.length === 0, appsGroupsByTopic: realGroups },
    nullHandledLoopPerSecond: nullLoop.allGroupsPerSecond,
    handledToNullRatio: round(handledPerSecond / Math.max(1, nullLoop.allGroupsPerSecond), 3),
    // What the handled loop's Kafka hops alone cost per tweet (bare forwarders and the broker): cpuMsPerTweet's floor.
    nullHandledLoop: { ...nullLoop, topologyMatchesApps: loopDiffers.length === 0 },
    gatewayWorkers,
    memoryMb,
    memoryGoalMb: MEMORY_GOAL_MB,
    appsWithinMemoryGoal: apps.every((a) => (memoryMb[a.name]?.peakUnderLoad ?? Number.POSITIVE_INFINITY) <= MEMORY_GOAL_MB),
    complete: {
      pipeline: pipeline.report.complete,
      handled: handled.report.complete,
      latency: latency.report.complete,
      light: light.report.complete,
      everyPhaseStartedIdle: [startIdle, ...Object.values(phases).map((p) => p.idle)].every((v) => v.idle),
    },
    swarm: {
      process: 'own child process (agent-swarm-child.bench.js)',
      agents: agentCount,
      capacityPerAgent: capacity,
      saturated: swarmLoads.some(saturated),
      delayedByMachine: swarmLoads.some(delayed),
      limits: SATURATION_LIMITS,
      worstPhase: swarmPeak,
      rssMb: mb(finalPoll.rssBytes),
      counters: finalPoll.counters,
      errorKinds: finalPoll.errorKinds,
    },
    simulator: { process: 'the bench process', saturated: simulatorLoads.some(saturated), delayedByMachine: simulatorLoads.some(delayed), worstPhase: simulatorPeak },
    shutdown: { idle: finalIdle.idle, clusterStopMs, appsStillRunning: appsLeft, appLogErrors: logs, cleanedUp: { redisKeys: cleanedUp.redisKeys, schemas: cleanedUp.schemas.length } },
    phases,
    machine: { cpus: cpus().length, loadAverageAtStart, loadAverageAtEnd: loadavg().map((l) => round(l, 2)), note: 'Kafka, Redis and PostgreSQL are shared with anything else running: their CPU is read as deltas per phase' },
  };
  log(
    `pipeline ${result.pipelineTweetsPerSecond}/s (null ${result.nullPipelinePerSecond}/s, ratio ${result.pipelineToNullRatio}); ` +
      `handled ${result.handledTweetsPerSecond}/s (null ${result.nullHandledLoopPerSecond}/s, ratio ${result.handledToNullRatio}); ` +
      `latency p99 ${latency.latency.p99} ms at ${latencyRate}/s; ${result.cpuMsPerTweet} CPU ms/tweet (null loop ${nullLoop.cpuMsPerInput}); ` +
      `shutdown errors ${logs.duringShutdown}`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Messages produced per tweet of a phase on each topic (dead letters aside), from the broker's offsets before and after. */
function messagesPerTweetBetween(before: Record<string, number>, after: Record<string, number>, tweets: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .filter(([topic]) => !topic.endsWith('.dlq'))
      .map(([topic, n]): [string, number] => [topic, round((n - (before[topic] ?? 0)) / Math.max(1, tweets), 2)])
      .filter(([, n]) => n > 0),
  );
}

interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  samples: number;
}

function percentilesOf(sorted: readonly number[]): Percentiles {
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), samples: sorted.length };
}

/** p50/p95/p99 of each action kind's waits (ms). */
function actionLatencies(actions: readonly ActionRecord[]): Record<ActionKind, Percentiles> {
  const of = (kind: ActionKind): Percentiles => percentilesOf(actions.filter((a) => a.kind === kind).map((a) => a.ms).sort((a, b) => a - b));
  return { accept: of('accept'), reply: of('reply'), replyPosted: of('replyPosted'), done: of('done') };
}

function latencySummary(sorted: number[], censored: number): Percentiles & { undelivered: number } {
  return { ...percentilesOf(sorted), undelivered: censored };
}

function maxLoad(a: ProcessLoad, b: ProcessLoad): ProcessLoad {
  return {
    wallMs: Math.max(a.wallMs, b.wallMs),
    cpuMs: Math.max(a.cpuMs, b.cpuMs),
    cpuShare: Math.max(a.cpuShare, b.cpuShare),
    eventLoopUtilization: Math.max(a.eventLoopUtilization, b.eventLoopUtilization),
    loopDelayP50Ms: Math.max(a.loopDelayP50Ms, b.loopDelayP50Ms),
    loopDelayP99Ms: Math.max(a.loopDelayP99Ms, b.loopDelayP99Ms),
    loopDelayMaxMs: Math.max(a.loopDelayMaxMs, b.loopDelayMaxMs),
  };
}

/** Peak RSS since the process started (VmHWM), bytes. */
/**
 * A process's RSS at rest and at its peak, split in anonymous and file-backed MB (RssAnon, RssFile): what it allocated
 * against the binary and libraries every node process maps alike.
 */
function rssSplit(rest: RssParts | undefined, peak: RssParts | undefined): { rssSplitMb?: Record<'rest' | 'peakUnderLoad', { anon: number; file: number } | null> } {
  if (rest === undefined && peak === undefined) return {};
  const split = (parts: RssParts | undefined): { anon: number; file: number } | null =>
    parts === undefined ? null : { anon: round(parts.anonBytes / 1024 / 1024), file: round(parts.fileBytes / 1024 / 1024) };
  return { rssSplitMb: { rest: split(rest), peakUnderLoad: split(peak) } };
}

/** The gateway processes by role: the edges stay gateway, gateway#2…; the workers become gateway-worker, gateway-worker#2… */
function namedGatewayWorkers(found: { name: string; pid: number }[], workerPids: ReadonlySet<number | undefined>): { name: string; pid: number }[] {
  const seen = { gateway: 0, 'gateway-worker': 0 };
  return found.map((app) => {
    if (app.name !== 'gateway' && !app.name.startsWith('gateway#')) return app;
    const role = workerPids.has(app.pid) ? 'gateway-worker' : 'gateway';
    seen[role] += 1;
    return { name: seen[role] === 1 ? role : `${role}#${seen[role]}`, pid: app.pid };
  });
}

function vmHwm(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Error lines in the logs of this run's apps (ServiceProcess names them <app>-<our pid>-<ms>.log): pino level ≥ 50, or
 * a line that is not JSON (a stack trace on stderr), which takes the time of the JSON line before it. Node's own
 * process warnings ("(node:123) XxxWarning: …") are counted apart. Split at the moment the cluster was told to stop.
 */
function scanAppLogs(shutdownStartedAt: number): { total: number; duringShutdown: number; nodeWarnings: number; samples: string[] } {
  const dir = join(process.cwd(), 'tmp', 'e2e-logs');
  const mine = new RegExp(`^[a-z-]+-${process.pid}-\\d+\\.log$`);
  const found = { total: 0, duringShutdown: 0, nodeWarnings: 0, samples: [] as string[] };
  const shutdownSamples: string[] = [];
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => mine.test(f));
  } catch {
    return found;
  }
  for (const file of files) {
    let at = Number.NaN;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let level = 60;
      try {
        const entry = JSON.parse(line) as { level?: number; time?: string | number };
        level = entry.level ?? 30;
        at = typeof entry.time === 'number' ? entry.time : Date.parse(entry.time ?? '');
      } catch {
        if (/^\(node:\d+\) \w*Warning|^\(Use `node --trace-warnings/.test(line)) {
          found.nodeWarnings += 1;
          continue;
        }
        // stdout and stderr share the file: a warning written mid-line breaks a JSON line, whose head still says.
        const head = /^\{"level":(\d+),"time":"([^"]+)"/.exec(line);
        if (head) {
          level = Number(head[1]);
          at = Date.parse(head[2] ?? '');
        }
      }
      if (level < 50) continue;
      found.total += 1;
      const sample = `${file}: ${line.slice(0, 400)}`;
      if (at >= shutdownStartedAt) {
        found.duringShutdown += 1;
        if (shutdownSamples.length < 3) shutdownSamples.push(sample);
      } else if (found.samples.length < 3) found.samples.push(sample);
    }
  }
  // The shutdown's errors first: they are the ones this run must not have.
  found.samples = [...shutdownSamples, ...found.samples].slice(0, 5);
  return found;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:e2e failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
