// npm run bench:outbound — replies a second for ONE brand through the outbound worker (bus, claims, X client with its
// rate-limit budget, completion published), against the in-process X simulator with unlimited rate limits, in two
// paths in the same run:
//   before: x.outbound.requested.v1 keyed by brand, as it was (the bus runs one brand's commands one after another)
//   after:  keyed by conversation (one brand's replies in parallel), at most OUTBOUND_BRAND_CONCURRENCY at X at once
// Each reply answers its own customer tweet (its own conversation), as agents' replies do. Checked after each path:
// every reply on X exactly once, one final result per command. The bus runs on the memory transport, or on Kafka
// with BENCH_OUTBOUND_TRANSPORT=kafka (KAFKA_BROKERS, own namespace); claims and deferrals in Redis when REDIS_URL is
// set (memory otherwise). Knobs: BENCH_OUTBOUND_REPLIES (2000, the "after" path), BENCH_OUTBOUND_BEFORE_REPLIES
// (300: serial, it is slow), BENCH_OUTBOUND_BRAND_CONCURRENCY (the default, 32). Prints progress and figures, then
// (last line) one JSON object.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { isFinalOutbound, type OutboundRequestedPayload, Topics } from '@perch/contracts';
import { type EventBus, KafkaTransport, MemoryTransport, NamespacedTransport, startEventBus, type Transport, type TransportMessage } from '@perch/messaging';
import {
  createOutboundXAdapter,
  DEFAULT_OUTBOUND_BRAND_CONCURRENCY,
  type DeferredOutboundStore,
  MemoryDeferredOutboundStore,
  MemoryOutboundIdempotencyStore,
  type OutboundIdempotencyStore,
  OutboundWorker,
  RedisDeferredOutboundStore,
  RedisOutboundIdempotencyStore,
} from '@perch/outbound';
import { configureLogging, createLogger, percentile } from '@perch/platform';
import { XSimulator } from '@perch/x-simulator';
import { Redis } from 'ioredis';

import { benchLog, envInteger } from '../bench-env.util';

const GOAL_PER_SECOND = 1_000;
const BRAND = 'bench_one_brand';
const log = benchLog('outbound');

interface PathResult {
  path: 'before' | 'after';
  replies: number;
  brandConcurrency: number | 'serial (brand key)';
  elapsedMs: number;
  repliesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * CPU of this process (worker, bus, Redis client and the simulator itself) per reply: on a shared machine the
   * wall clock depends on the neighbours, this does not; 1000 / cpuMsPerReply is what one core would carry.
   */
  cpuMsPerReply: number;
  sent: number;
  failed: number;
  onX: number;
  duplicatesOnX: number;
  missingOnX: number;
  extraResults: number;
}

/** The bus as it was before: every x.outbound.requested.v1 message keyed by its brand account. */
function keyedByBrand(inner: Transport): Transport {
  const send = (topic: string, messages: readonly TransportMessage[]): Promise<void> =>
    inner.send(
      topic,
      topic.endsWith(Topics.OutboundRequested)
        ? messages.map((m) => ({ ...m, key: (JSON.parse(m.value) as { payload: OutboundRequestedPayload }).payload.brandAccountId }))
        : messages,
    );
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'send') return send;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The bus of one path, and how to close it (the Kafka transport's connections would keep the process alive). */
async function openBus(path: PathResult['path'], runId: string): Promise<{ bus: EventBus; close: () => Promise<void> }> {
  const logger = createLogger('bench-outbound-bus');
  let transport: Transport;
  if (process.env['BENCH_OUTBOUND_TRANSPORT'] === 'kafka') {
    const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
    transport = new NamespacedTransport(new KafkaTransport({ brokers, clientId: `bench-outbound-${path}`, logger }), `bench-outbound-${runId}-${path}.`);
  } else {
    transport = new MemoryTransport({ logger });
  }
  const bus = await startEventBus(path === 'before' ? keyedByBrand(transport) : transport, { producer: 'gateway', logger });
  return {
    bus,
    close: async () => {
      await bus.stop();
      await transport.disconnect();
    },
  };
}

async function runPath(options: {
  path: PathResult['path'];
  replies: number;
  brandConcurrency: number;
  simulator: XSimulator;
  baseUrl: string;
  brand: { id: string; username: string; token: string };
  customers: string[];
  redis: Redis | undefined;
  runId: string;
}): Promise<PathResult> {
  const { path, replies, simulator, brand, customers, redis } = options;
  const keyPrefix = `perch:bench-outbound-${options.runId}-${path}:`;
  const idempotency: OutboundIdempotencyStore = redis ? new RedisOutboundIdempotencyStore({ redis, keyPrefix }) : new MemoryOutboundIdempotencyStore();
  const deferred: DeferredOutboundStore = redis ? new RedisDeferredOutboundStore({ redis, keyPrefix }) : new MemoryDeferredOutboundStore();
  const { bus, close } = await openBus(path, options.runId);
  const worker = new OutboundWorker({
    idempotency,
    deferred,
    x: createOutboundXAdapter({ apiBaseUrl: options.baseUrl }),
    brands: [brand],
    publisher: bus,
    workerId: `bench-${path}`,
    brandConcurrency: options.brandConcurrency,
  });

  // The customers' tweets the replies answer (not timed): one conversation each, mentioning the brand.
  const questions = Array.from({ length: replies }, (_, i) => {
    const author = customers[i % customers.length] ?? 'bench_cust_0';
    return { author, tweet: simulator.createTweet({ authorUsername: author, text: `@${BRAND} ${path} question ${i}` }) };
  });
  const commands: OutboundRequestedPayload[] = questions.map(({ author, tweet }, i) => ({
    commandId: randomUUID(),
    kind: 'reply',
    brandAccountId: brand.id,
    agentId: 'bench',
    interactionId: randomUUID(),
    conversationKey: `${brand.id}:${tweet.id}`,
    inReplyToTweetId: tweet.id,
    text: `@${author} ${path} answer ${i} ${randomUUID().slice(0, 8)}`,
    requestedAt: Date.now(),
  }));

  const publishedAt = new Map<string, number>();
  const latencies: number[] = [];
  const results = new Map<string, number>();
  let sent = 0;
  let failed = 0;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  await bus.subscribe(Topics.OutboundCompleted, `bench-outbound-${path}-results`, async (event) => {
    const result = event.payload;
    if (!isFinalOutbound(result)) return;
    const seen = results.get(result.commandId) ?? 0;
    results.set(result.commandId, seen + 1);
    if (seen > 0) return;
    if (result.status === 'sent') sent += 1;
    else failed += 1;
    latencies.push(performance.now() - (publishedAt.get(result.commandId) ?? 0));
    if (sent + failed === replies) finished();
  });
  await bus.subscribe(Topics.OutboundRequested, `bench-outbound-${path}-worker`, (event) => worker.handle(event), { fromBeginning: true });

  const progress = setInterval(() => log(`${path}: ${sent + failed}/${replies} answered`), 5_000);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    commands.map(async (command) => {
      publishedAt.set(command.commandId, performance.now());
      await bus.publish(Topics.OutboundRequested, command, { correlationId: command.commandId });
    }),
  );
  await allDone;
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(progress);
  // A moment for any late duplicate result to show up before counting.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await close();

  const mine = new Set(questions.map((q) => q.tweet.id));
  const onX = simulator.tweetsOf(BRAND, 1_000_000).filter((t) => t.inReplyToTweetId !== undefined && mine.has(t.inReplyToTweetId));
  const answered = new Set(onX.map((t) => t.inReplyToTweetId));
  latencies.sort((a, b) => a - b);
  if (redis) {
    const keys = await redis.keys(`${keyPrefix}*`);
    for (let i = 0; i < keys.length; i += 1_000) await redis.del(...keys.slice(i, i + 1_000));
  }
  return {
    path,
    replies,
    brandConcurrency: path === 'before' ? 'serial (brand key)' : options.brandConcurrency,
    elapsedMs: Math.round(elapsedMs),
    repliesPerSecond: Math.round((replies / elapsedMs) * 1000),
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    cpuMsPerReply: Math.round(((cpu.user + cpu.system) / 1000 / replies) * 100) / 100,
    sent,
    failed,
    onX: onX.length,
    duplicatesOnX: onX.length - answered.size,
    missingOnX: replies - answered.size,
    extraResults: [...results.values()].reduce((sum, n) => sum + n - 1, 0),
  };
}

async function main(): Promise<void> {
  configureLogging({ level: (process.env['LOG_LEVEL'] as 'warn' | undefined) ?? 'warn', service: 'bench-outbound' });
  const replies = envInteger('BENCH_OUTBOUND_REPLIES', 2_000);
  const beforeReplies = envInteger('BENCH_OUTBOUND_BEFORE_REPLIES', 300);
  const brandConcurrency = envInteger('BENCH_OUTBOUND_BRAND_CONCURRENCY', DEFAULT_OUTBOUND_BRAND_CONCURRENCY);
  const runId = `${Date.now()}`;
  const token = `${BRAND}-${randomUUID()}`;
  const simulator = new XSimulator({
    seed: { appBearerToken: `app-${randomUUID()}`, brands: [{ username: BRAND, token }] },
    rateLimits: 'unlimited',
    maxStoredTweets: 4 * (replies + beforeReplies) + 10_000,
    // Every reply answers a fresh tweet; the duplicate-content check would only compare unrelated texts.
    duplicateLookback: 1,
  });
  const { baseUrl } = await simulator.start(0);
  const brand = { id: simulator.account(BRAND).id, username: BRAND, token };
  const customers = Array.from({ length: 200 }, (_, i) => simulator.createAccount({ username: `bench_cust_${i}`, kind: 'customer' }).username);
  const redis = process.env['REDIS_URL'] ? new Redis(process.env['REDIS_URL']) : undefined;
  log(
    `one brand, ${beforeReplies} replies before, ${replies} after (concurrency ${brandConcurrency}); ` +
      `bus on ${process.env['BENCH_OUTBOUND_TRANSPORT'] === 'kafka' ? 'Kafka' : 'the memory transport'}, claims in ${redis ? 'Redis' : 'memory'}`,
  );
  try {
    const common = { simulator, baseUrl, brand, customers, redis, runId };
    const before = await runPath({ ...common, path: 'before', replies: beforeReplies, brandConcurrency });
    log(`before (keyed by brand): ${before.repliesPerSecond} replies/s (${before.replies} in ${before.elapsedMs} ms, p50 ${before.p50Ms} ms, p99 ${before.p99Ms} ms, ${before.cpuMsPerReply} CPU ms each)`);
    const after = await runPath({ ...common, path: 'after', replies, brandConcurrency });
    log(`after (keyed by conversation, ${brandConcurrency} at X per brand): ${after.repliesPerSecond} replies/s (${after.replies} in ${after.elapsedMs} ms, p50 ${after.p50Ms} ms, p99 ${after.p99Ms} ms, ${after.cpuMsPerReply} CPU ms each)`);
    for (const result of [before, after]) {
      if (result.duplicatesOnX > 0 || result.missingOnX > 0 || result.failed > 0 || result.onX !== result.replies) {
        log(`${result.path}: NOT exactly once: ${result.onX} on X, ${result.duplicatesOnX} doubled, ${result.missingOnX} missing, ${result.failed} failed`);
        process.exitCode = 1;
      }
    }
    const speedup = Math.round((after.repliesPerSecond / Math.max(1, before.repliesPerSecond)) * 10) / 10;
    log(`${speedup}x; goal ${GOAL_PER_SECOND} replies/s for one brand: ${after.repliesPerSecond >= GOAL_PER_SECOND ? 'met' : 'NOT met'}`);
    process.stdout.write(`${JSON.stringify({ goalPerSecond: GOAL_PER_SECOND, speedup, before, after, simulator: simulator.stats() })}\n`);
  } finally {
    await redis?.quit();
    await simulator.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
