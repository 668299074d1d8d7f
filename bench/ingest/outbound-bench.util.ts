// The outbound half of bench:ingest: agents' replies a second through the real gateway process (outbound worker on
// Kafka, Redis claims, twitter-api-v2 with its rate-limit budget, the completion published back), against the
// simulator. Two runs: at full speed (X unlimited) against baselines measured in the same run, and under X's
// per-user limit on a short window, where the budget must wait for each window instead of drawing 429s.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { type OutboundCompletedPayload, type OutboundRequestedPayload, Topics, isFinalOutbound } from '@perch/contracts';
import { EventTap, freePort, ServiceProcess } from '@perch/testing';
import { UNLIMITED_RATE_LIMITS, XSimulator } from '@perch/x-simulator';
import Redis from 'ioredis';

import { measureKafkaPassThrough } from '../kafka-pass-through.bench';
import { measureRawXPosts, type RawReply } from './raw-x-posts.util';

export interface OutboundBenchOptions {
  kafkaBrokers: string;
  redisUrl: string;
  databaseUrl: string;
  /** Replies in the full-speed run, spread round-robin over `brands` (the topic is keyed by brand). */
  replies: number;
  brands: number;
  /** The run under X's limits: `limit` tweets per `windowMs` per brand, more replies than one window holds. */
  limited: { brands: number; repliesPerBrand: number; limit: number; windowMs: number };
  log: (message: string) => void;
}

export interface OutboundBenchResult {
  fullSpeed: {
    replies: number;
    brands: number;
    repliesPerSecond: number;
    elapsedMs: number;
    sent: number;
    failed: number;
    duplicatesOnX: number;
    missingOnX: number;
    extraCompletions: number;
    rawTwitterApiPerSecond: number;
    ratioToRawTwitterApi: number;
    kafkaPassThroughPerSecond: number;
    ratioToKafka: number;
  };
  underLimits: {
    replies: number;
    brands: number;
    xLimit: string;
    allowedPerSecond: number;
    fastestPossibleMs: number;
    fastestPossiblePerSecond: number;
    elapsedMs: number;
    achievedPerSecond: number;
    shareOfFastestPossible: number;
    simulator429s: number;
    /** Publish to completion of one reply from an unthrottled brand, sent 1 s into this run. */
    otherBrandReplyLatencyMs: number;
    sent: number;
    failed: number;
    duplicatesOnX: number;
    missingOnX: number;
  };
}

interface Brand {
  username: string;
  token: string;
  id: string;
}

interface RunOutcome {
  elapsedMs: number;
  sent: number;
  failed: number;
  extraCompletions: number;
}

export async function measureOutbound(options: OutboundBenchOptions): Promise<OutboundBenchResult> {
  const { kafkaBrokers, log } = options;
  const namespace = `bench-outbound-${Date.now()}`;
  const seedBrands = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({ username: `${prefix}${i}`, token: `${prefix}${i}-${randomUUID()}` }));
  const fastSeed = seedBrands('bench_out_', options.brands);
  const limitedSeed = seedBrands('bench_lim_', options.limited.brands);
  const limitedReplies = options.limited.brands * options.limited.repliesPerBrand;
  const simulator = new XSimulator({
    seed: { appBearerToken: `app-${randomUUID()}`, brands: [...fastSeed, ...limitedSeed] },
    rateLimits: 'unlimited',
    maxStoredTweets: 4 * (2 * options.replies + options.brands + limitedReplies) + 10_000,
  });
  const { baseUrl } = await simulator.start(await freePort());
  const withId = (b: { username: string; token: string }): Brand => ({ ...b, id: simulator.account(b.username).id });
  const fast = fastSeed.map(withId);
  const limited = limitedSeed.map(withId);
  const customers = Array.from({ length: 200 }, (_, i) => simulator.createAccount({ username: `bench_cust_${i}`, kind: 'customer' }).username);

  const port = await freePort();
  const gateway = new ServiceProcess({
    app: 'gateway',
    env: {
      KAFKA_BROKERS: kafkaBrokers,
      REDIS_URL: options.redisUrl,
      DATABASE_URL: options.databaseUrl,
      PERCH_NAMESPACE: namespace,
      X_API_BASE_URL: baseUrl,
      X_BRAND_TOKENS: [...fast, ...limited].map((b) => `${b.username}=${b.token}`).join(','),
      GATEWAY_TOKEN_SECRET: `${randomUUID()}${randomUUID()}`,
      GATEWAY_AGENTS: JSON.stringify([{ id: 'bench', password: 'bench-pw', capacity: 1 }]),
      LOG_LEVEL: 'warn',
      HTTP_PORT: String(port),
    },
    healthUrl: `http://127.0.0.1:${port}/health`,
  });
  await gateway.start();

  const tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: 'bench-outbound' });
  const completions = new Map<string, { payload: OutboundCompletedPayload; at: number }[]>();
  await tap.bus.subscribe(
    Topics.OutboundCompleted,
    'bench-outbound-completed',
    async (event) => {
      // 'waiting' tells an agent why a reply is late; only sent and failed end a command.
      if (!isFinalOutbound(event.payload)) return;
      const list = completions.get(event.payload.commandId) ?? [];
      list.push({ payload: event.payload, at: performance.now() });
      completions.set(event.payload.commandId, list);
    },
    { fromBeginning: true },
  );

  let sequence = 0;
  /** A customer tweet at the brand, and the reply X would accept to it (texts differ: X refuses duplicates). */
  const question = (brand: Brand): { inReplyToTweetId: string; text: string } => {
    sequence += 1;
    const customer = customers[sequence % customers.length] ?? 'bench_cust_0';
    const tweet = simulator.createTweet({ authorUsername: customer, text: `@${brand.username} order ${sequence} has not arrived, where is it?` });
    return { inReplyToTweetId: tweet.id, text: `@${customer} Sorry about order ${sequence}! It left our warehouse today.` };
  };
  const commands = (brands: readonly Brand[], count: number): OutboundRequestedPayload[] =>
    Array.from({ length: count }, (_, i) => {
      const brand = brands[i % brands.length] ?? fast[0];
      if (!brand) throw new Error('no brand');
      return {
        commandId: randomUUID(),
        kind: 'reply',
        brandAccountId: brand.id,
        agentId: 'bench',
        interactionId: randomUUID(),
        ...question(brand),
        requestedAt: Date.now(),
      };
    });

  /** Publishes every command at once, as many agents replying together would; times it to the last completion. */
  // A deferred reply comes back when its window resets: a quiet spell shorter than a window is not a stall.
  const stallMs = Math.max(30_000, options.limited.windowMs * 2);
  const run = async (batch: readonly OutboundRequestedPayload[], what: string): Promise<RunOutcome> => {
    const startedAt = performance.now();
    await Promise.all(batch.map((c) => tap.bus.publish(Topics.OutboundRequested, c, { correlationId: `bench-${c.commandId}` })));
    const done = () => batch.filter((c) => completions.has(c.commandId)).length;
    let seen = -1;
    let quietSince = Date.now();
    while (done() < batch.length) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (done() !== seen) {
        seen = done();
        quietSince = Date.now();
      } else if (Date.now() - quietSince > stallMs) {
        log(`outbound ${what}: only ${seen} of ${batch.length} completions arrived (no progress for ${stallMs / 1000} s)`);
        break;
      }
    }
    const answered = batch.flatMap((c) => completions.get(c.commandId) ?? []);
    const firsts = batch.map((c) => completions.get(c.commandId)?.[0]).filter((c) => c !== undefined);
    return {
      elapsedMs: firsts.length === 0 ? 0 : Math.round(Math.max(...firsts.map((c) => c.at)) - startedAt),
      sent: firsts.filter((c) => c.payload.status === 'sent').length,
      failed: firsts.filter((c) => c.payload.status === 'failed').length,
      extraCompletions: answered.length - firsts.length,
    };
  };

  /** The simulator's own record: how many of the commands' questions have no reply, or more than one. */
  const onX = (batch: readonly OutboundRequestedPayload[]): { duplicatesOnX: number; missingOnX: number } => {
    const replies = new Map<string, number>();
    for (const brand of [...fast, ...limited]) {
      for (const tweet of simulator.tweetsOf(brand.username, 1_000_000)) {
        if (tweet.inReplyToTweetId) replies.set(tweet.inReplyToTweetId, (replies.get(tweet.inReplyToTweetId) ?? 0) + 1);
      }
    }
    const count = (c: OutboundRequestedPayload) => replies.get(c.inReplyToTweetId ?? '') ?? 0;
    return { duplicatesOnX: batch.filter((c) => count(c) > 1).length, missingOnX: batch.filter((c) => count(c) === 0).length };
  };

  try {
    log(`outbound: warm-up, one reply per brand over ${fast.length} brands`);
    await run(commands(fast, fast.length), 'warm-up');

    log(`outbound: ${options.replies} replies at full speed over ${fast.length} brands (X unlimited)`);
    const fullBatch = commands(fast, options.replies);
    const full = await run(fullBatch, 'full speed');
    const fullOnX = onX(fullBatch);

    log('outbound baseline: the same number of replies posted with twitter-api-v2 alone, one stream per brand');
    const rawReplies: RawReply[] = Array.from({ length: options.replies }, (_, i) => {
      const brand = fast[i % fast.length] ?? fast[0];
      if (!brand) throw new Error('no brand');
      return { brandToken: brand.token, ...question(brand) };
    });
    const raw = await measureRawXPosts(baseUrl, rawReplies);

    const { limit, windowMs, repliesPerBrand } = options.limited;
    log(
      `outbound under X's limits: ${limitedReplies} replies over ${limited.length} brands, X allowing ${limit} per ${windowMs / 1000} s per brand`,
    );
    simulator.setRateLimits({ ...UNLIMITED_RATE_LIMITS, 'tweets.create': { user: { limit, windowMs } } });
    const throttledBefore = simulator.stats().rateLimited;
    const limitedBatch = commands(limited, limitedReplies);
    const bystander = commands(fast, 1);
    const running = run(limitedBatch, 'under limits');
    // One reply from a brand that X does not throttle, sent while the others wait for their windows: how long the
    // waiting holds it up (the consumer fetches again only when every batch of its last fetch is done).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const bystanderOutcome = await run(bystander, 'bystander');
    const underLimits = await running;
    const simulator429s = simulator.stats().rateLimited - throttledBefore;
    const limitedOnX = onX(limitedBatch);

    log('outbound baseline: the same number of messages produced and consumed raw through the same broker');
    const kafka = await measureKafkaPassThrough({
      brokers: kafkaBrokers.split(','),
      partitions: 6,
      messages: Array.from({ length: options.replies }, (_, i) => ({ key: `brand-${i % fast.length}`, value: JSON.stringify({ payload: 'x'.repeat(500) }) })),
    });

    const repliesPerSecond = (full.sent + full.failed) / (full.elapsedMs / 1000);
    // Fixed windows: the first `limit` go at once, then one more window per further `limit`.
    const fastestPossibleMs = (Math.ceil(repliesPerBrand / limit) - 1) * windowMs;
    return {
      fullSpeed: {
        replies: options.replies,
        brands: fast.length,
        repliesPerSecond: Math.round(repliesPerSecond),
        elapsedMs: full.elapsedMs,
        sent: full.sent,
        failed: full.failed,
        ...fullOnX,
        extraCompletions: full.extraCompletions,
        rawTwitterApiPerSecond: raw.repliesPerSecond,
        ratioToRawTwitterApi: round(repliesPerSecond / raw.repliesPerSecond, 3),
        kafkaPassThroughPerSecond: kafka.messagesPerSecond,
        ratioToKafka: round(repliesPerSecond / kafka.messagesPerSecond, 3),
      },
      underLimits: {
        replies: limitedReplies,
        brands: limited.length,
        xLimit: `${limit} per ${windowMs / 1000} s per brand`,
        allowedPerSecond: round((limited.length * limit) / (windowMs / 1000), 1),
        fastestPossibleMs,
        fastestPossiblePerSecond: round(limitedReplies / (fastestPossibleMs / 1000), 1),
        elapsedMs: underLimits.elapsedMs,
        achievedPerSecond: round((underLimits.sent + underLimits.failed) / (underLimits.elapsedMs / 1000), 1),
        shareOfFastestPossible: round(fastestPossibleMs / underLimits.elapsedMs, 3),
        simulator429s,
        otherBrandReplyLatencyMs: bystanderOutcome.elapsedMs,
        sent: underLimits.sent,
        failed: underLimits.failed,
        ...limitedOnX,
      },
    };
  } finally {
    await tap.close();
    await gateway.stop();
    await simulator.stop();
    await forgetOutboundClaims(options.redisUrl, namespace);
  }
}

/** The run's idempotency records are kept for days by design; a benchmark's are noise, so drop them. */
async function forgetOutboundClaims(redisUrl: string, namespace: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `perch:${namespace}-*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
