import { Redis, type RedisOptions } from 'ioredis';

import { newId, percentile } from '@perch/platform';

import { RedisRoutingStore } from '../lib/store/redis/redis-routing-store.adapter';
import { routingKeys } from '../lib/store/redis/routing-keys.util';
import { classification, inboundMessage } from '../lib/testing/routing.fixtures';

export interface DispatchBenchOptions {
  redisUrl: string;
  /** Cycles per scenario (upsert + dispatch + accept + complete = 4 scripts each). */
  cycles?: number;
  /** Cycles in flight at once on the one connection; 1 = strictly sequential. */
  concurrencies?: readonly number[];
}

export interface DispatchBenchResult {
  scenario: string;
  concurrency: number;
  cycles: number;
  /** Cycles whose dispatch found nothing (should be 0: capacity is sized to the concurrency). */
  missed: number;
  elapsedMs: number;
  cyclesPerSecond: number;
  scriptsPerSecond: number;
  /** Median and 99th percentile of one cycle's wall time, ms. */
  p50Ms: number;
  p99Ms: number;
}

export interface DispatchBenchReport {
  /** Sequential PINGs per second on one connection: the round-trip floor the figures compare to. */
  pingsPerSecond: number;
  results: DispatchBenchResult[];
}

const OFFER_TIMEOUT_MS = 60_000;

/**
 * How many full routing cycles per second the Redis store sustains on ONE connection: sequentially
 * (bound by round trips: 4 per cycle) and with cycles in flight at once (ioredis writes commands without
 * waiting for replies, i.e. pipelines them; the auto-pipelining scenario also batches writes per tick).
 * Prints nothing; the caller reports. Uses a fresh tenant and deletes its keys afterwards.
 */
export async function runDispatchBench(options: DispatchBenchOptions): Promise<DispatchBenchReport> {
  const cycles = options.cycles ?? 2_000;
  const concurrencies = options.concurrencies ?? [1, 16, 64];
  const results: DispatchBenchResult[] = [];

  let pingsPerSecond = 0;
  const plain = await connect(options.redisUrl, {});
  try {
    pingsPerSecond = await measurePings(plain, 2_000);
    for (const concurrency of concurrencies) {
      results.push(await scenario(plain, 'one connection', concurrency, cycles));
    }
  } finally {
    await plain.quit();
  }

  const batched = await connect(options.redisUrl, { enableAutoPipelining: true });
  try {
    for (const concurrency of concurrencies.filter((c) => c > 1)) {
      results.push(await scenario(batched, 'one connection, auto-pipelining', concurrency, cycles));
    }
  } finally {
    await batched.quit();
  }

  return { pingsPerSecond: Math.round(pingsPerSecond), results };
}

async function connect(url: string, extra: RedisOptions): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true, ...extra });
  await redis.connect();
  return redis;
}

async function measurePings(redis: Redis, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) await redis.ping();
  return count / ((performance.now() - started) / 1000);
}

async function scenario(redis: Redis, name: string, concurrency: number, cycles: number): Promise<DispatchBenchResult> {
  const tenant = `bench-${newId().slice(0, 8)}`;
  const store = new RedisRoutingStore(redis, tenant);
  // Enough capacity that every dispatch finds a slot: the figure measures the store, not a shortage.
  const perAgent = 10;
  for (let i = 0; i < Math.ceil(concurrency / perAgent) + 1; i += 1) {
    await store.setPresence({ agentId: `bench-agent-${i}`, state: 'ready', capacity: perAgent, now: Date.now() });
  }
  const labels = classification();
  const durations: number[] = [];
  let missed = 0;
  let next = 0;

  const cycle = async (): Promise<void> => {
    const started = performance.now();
    const now = Date.now();
    await store.upsertInteraction({
      message: inboundMessage(),
      classification: labels,
      priority: 1,
      correlationId: newId(),
      interactionIdIfNew: newId(),
      now,
    });
    const offer = await store.dispatch(now, OFFER_TIMEOUT_MS, newId());
    if (!offer) {
      missed += 1;
      return;
    }
    await store.accept(offer.interactionId, offer.offerId, offer.agentId, now + 1);
    await store.complete(offer.interactionId, offer.agentId, now + 2);
    durations.push(performance.now() - started);
  };

  const worker = async (): Promise<void> => {
    while (next < cycles) {
      next += 1;
      await cycle();
    }
  };

  const started = performance.now();
  let elapsedMs: number;
  try {
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    elapsedMs = performance.now() - started;
  } finally {
    await deleteKeys(redis, tenant);
  }
  durations.sort((a, b) => a - b);
  const completedCycles = cycles - missed;
  return {
    scenario: name,
    concurrency,
    cycles,
    missed,
    elapsedMs: Math.round(elapsedMs),
    cyclesPerSecond: Math.round(completedCycles / (elapsedMs / 1000)),
    scriptsPerSecond: Math.round((completedCycles * 4 + missed * 2) / (elapsedMs / 1000)),
    p50Ms: round2(percentile(durations, 50)),
    p99Ms: round2(percentile(durations, 99)),
  };
}

async function deleteKeys(redis: Redis, tenant: string): Promise<void> {
  for await (const batch of redis.scanStream({ match: routingKeys(tenant).pattern, count: 1000 })) {
    const keys = batch as string[];
    if (keys.length > 0) await redis.unlink(...keys);
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
