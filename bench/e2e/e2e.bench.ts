// npm run bench:e2e — the distributed pipeline on real Kafka and Redis, measured end to end.
// Prints progress lines, then (last line) one JSON object with the figures. Knobs (env):
//   BENCH_TWEETS (5000)           tweets in the throughput phase, played by the simulator at full speed
//   BENCH_LATENCY_RATE (1000)     tweets/s in the latency phase (the product's target rate)
//   BENCH_LOW_RATE (50)           tweets/s of a second, light latency phase: the pipeline's own latency
//   BENCH_LATENCY_SECONDS (5)
//   BENCH_AGENTS (200), BENCH_CAPACITY (3)   simulated agents who accept, reply and finish at once
import 'reflect-metadata';

import { join } from 'node:path';

import { percentile } from '@perch/platform';
import { freePort, startPerchCluster } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { benchLog } from '../bench-env.util';
import { measureKafkaPassThrough } from '../kafka-pass-through.bench';
import { AgentSwarm, type OfferRecord } from './agent-swarm.util';

const BRAND = 'acme_support';
const BRAND_TOKEN = 'bench-brand-token';
const APP_BEARER = 'bench-app-bearer';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got ${raw})`);
  return value;
}

const log = benchLog('e2e');

async function main(): Promise<void> {
  const kafkaBrokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const throughputTweets = envNumber('BENCH_TWEETS', 5_000);
  const latencyRate = envNumber('BENCH_LATENCY_RATE', 1000);
  const lowRate = envNumber('BENCH_LOW_RATE', 50);
  const latencySeconds = envNumber('BENCH_LATENCY_SECONDS', 5);
  const agentCount = envNumber('BENCH_AGENTS', 200);
  const capacity = envNumber('BENCH_CAPACITY', 3);
  const namespace = `bench-${Date.now()}`;

  const simulator = new XSimulator({
    seed: { appBearerToken: APP_BEARER, brands: [{ username: BRAND, token: BRAND_TOKEN }] },
    rateLimits: 'unlimited',
    maxStoredTweets: throughputTweets + latencyRate * latencySeconds + 10_000,
  });
  const { baseUrl } = await simulator.start(await freePort());
  log(`simulator at ${baseUrl}`);

  const agents = Array.from({ length: agentCount }, (_, i) => ({ username: `agent${i + 1}`, password: `pw-${i + 1}` }));
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
    env: { router: { ROUTER_OFFER_TIMEOUT_MS: '120000' } },
  });
  log(`apps up (namespace ${namespace}); logs in ${join('tmp', 'e2e-logs')}`);

  const gatewayUrl = cluster.gatewayUrl;
  const swarm = new AgentSwarm({ gatewayUrl, agents, replyAndFinish: true });
  await swarm.start();
  log(`${agentCount} agents ready, capacity ${capacity} each`);

  const offersSince = (from: number): OfferRecord[] => swarm.offers.filter((o) => o.receivedAt >= from);
  // Plays `count` tweets at `rate` and waits for their offers; on a slow system it stops waiting when no
  // offer arrived for 30 s and reports what did arrive, so the figures say how far the pipeline got.
  const play = async (rate: number, count: number, what: string): Promise<{ offers: OfferRecord[]; complete: boolean }> => {
    const startedAt = Date.now();
    simulator.startGenerator({ rate, count, customers: 5000, brand: BRAND, seed: what, replyRatio: 0 });
    let seen = 0;
    let lastProgress = Date.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = offersSince(startedAt).length;
      if (now >= count) break;
      if (now > seen) {
        seen = now;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > 30_000) {
        log(`${what}: only ${now} of ${count} offers arrived (no progress for 30 s)`);
        return { offers: offersSince(startedAt), complete: false };
      }
    }
    return { offers: offersSince(startedAt).slice(0, count), complete: true };
  };

  // Between phases, let the agents finish what they hold so one phase's backlog does not inflate the next.
  const settle = async (): Promise<void> => {
    let last = -1;
    for (let i = 0; i < 600; i += 1) {
      const now = swarm.replies + swarm.completed + swarm.errors;
      if (now === last) return;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };

  log('warm-up: 500 tweets at 250/s');
  await play(250, 500, 'warm-up');
  await settle();

  log(`light latency phase: ${lowRate} tweets/s for ${latencySeconds} s`);
  const light = await play(lowRate, Math.ceil(lowRate * latencySeconds), 'light');
  const lightLatencies = light.offers.map((o) => o.deliveredAt - o.receivedAt).sort((a, b) => a - b);
  await settle();

  log(`latency phase: ${latencyRate} tweets/s for ${latencySeconds} s`);
  const latency = await play(latencyRate, latencyRate * latencySeconds, 'latency');
  const latencies = latency.offers.map((o) => o.deliveredAt - o.receivedAt).sort((a, b) => a - b);
  await settle();

  log(`throughput phase: ${throughputTweets} tweets at full speed`);
  const throughput = await play(100_000, throughputTweets, 'throughput');
  const firstReceived = Math.min(...throughput.offers.map((o) => o.receivedAt));
  const lastDelivered = Math.max(...throughput.offers.map((o) => o.deliveredAt));
  const tweetsPerSecond = throughput.offers.length / ((lastDelivered - firstReceived) / 1000);

  await swarm.stop();
  await cluster.stop();
  await simulator.stop();

  log('baseline: the same number of messages produced and consumed raw through the same broker');
  const sample = JSON.stringify({ payload: 'x'.repeat(900) });
  const raw = await measureKafkaPassThrough({
    brokers: kafkaBrokers.split(','),
    partitions: 12,
    messages: Array.from({ length: throughputTweets }, (_, i) => ({ key: `100:${i % 5000}`, value: sample })),
  });

  const result = {
    tweetsPerSecond: round(tweetsPerSecond),
    offerLatencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    latencyMeasuredAtTweetsPerSecond: latencyRate,
    offerLatencyAtLowRateMs: { rate: lowRate, p50: percentile(lightLatencies, 50), p95: percentile(lightLatencies, 95), p99: percentile(lightLatencies, 99) },
    kafkaPassThroughPerSecond: round(raw.messagesPerSecond),
    ratio: round(tweetsPerSecond / raw.messagesPerSecond, 3),
    tweets: throughputTweets,
    throughputComplete: throughput.complete,
    offersDelivered: throughput.offers.length,
    latencyPhaseComplete: latency.complete,
    agents: agentCount,
    capacityPerAgent: capacity,
    repliesPosted: swarm.replies,
    interactionsCompleted: swarm.completed,
    agentErrors: swarm.errors,
    agentErrorKinds: Object.fromEntries(swarm.errorKinds),
  };
  log(`${result.tweetsPerSecond} tweets/s end to end; offer latency p50 ${result.offerLatencyMs.p50} ms, p99 ${result.offerLatencyMs.p99} ms at ${latencyRate}/s; raw Kafka ${result.kafkaPassThroughPerSecond} msg/s (ratio ${result.ratio})`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:e2e failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
