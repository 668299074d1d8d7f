// npm run bench:ingest — Perch's edges with X, each through the real app process on Kafka and Redis:
//   inbound:  tweets a second from the simulator's filtered stream into Kafka through the ingestor;
//   outbound: replies a second from x.outbound.requested.v1 to X and back as x.outbound.completed.v1 through the
//             gateway's outbound worker, at full speed and under X's rate limits on a short window.
// Prints progress lines and the figures, then (last line) one JSON object. Knobs (env):
//   BENCH_INGEST_TWEETS (20000)                 tweets in the inbound run
//   BENCH_OUTBOUND_REPLIES (2000), BENCH_OUTBOUND_BRANDS (20)     the full-speed outbound run
//   BENCH_LIMITED_BRANDS (3), BENCH_LIMITED_REPLIES_PER_BRAND (250), BENCH_LIMITED_LIMIT (100),
//   BENCH_LIMITED_WINDOW_MS (10000)             the run under X's limits (X's 100 tweets per user, on 10 s)
import 'reflect-metadata';

import { benchLog, envInteger } from '../bench-env.util';
import { measureKafkaPassThrough } from '../kafka-pass-through.bench';
import { measureInbound } from './inbound-bench.util';
import { measureOutbound } from './outbound-bench.util';

const log = benchLog('ingest');

async function main(): Promise<void> {
  const kafkaBrokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const tweets = envInteger('BENCH_INGEST_TWEETS', 20_000);

  const inbound = await measureInbound({ kafkaBrokers, redisUrl, tweets, log });
  log('inbound baseline: the same number of messages produced and consumed raw through the same broker');
  const raw = await measureKafkaPassThrough({
    brokers: kafkaBrokers.split(','),
    partitions: 12,
    messages: Array.from({ length: tweets }, (_, i) => ({ key: `100:${i}`, value: JSON.stringify({ payload: 'x'.repeat(900) }) })),
  });

  const outbound = await measureOutbound({
    kafkaBrokers,
    redisUrl,
    databaseUrl,
    replies: envInteger('BENCH_OUTBOUND_REPLIES', 2000),
    brands: envInteger('BENCH_OUTBOUND_BRANDS', 20),
    limited: {
      brands: envInteger('BENCH_LIMITED_BRANDS', 3),
      repliesPerBrand: envInteger('BENCH_LIMITED_REPLIES_PER_BRAND', 250),
      limit: envInteger('BENCH_LIMITED_LIMIT', 100),
      windowMs: envInteger('BENCH_LIMITED_WINDOW_MS', 10_000),
    },
    log,
  });

  const result = {
    ...inbound,
    kafkaPassThroughPerSecond: raw.messagesPerSecond,
    ratio: Math.round((inbound.ingestTweetsPerSecond / raw.messagesPerSecond) * 1000) / 1000,
    outbound,
  };
  const full = outbound.fullSpeed;
  const limited = outbound.underLimits;
  log('---- figures ----');
  log(`inbound:  ${inbound.ingestTweetsPerSecond} tweets/s from the stream into Kafka; raw Kafka ${raw.messagesPerSecond} msg/s (ratio ${result.ratio})`);
  log(
    `outbound: ${full.repliesPerSecond} replies/s to X and back (${full.replies} over ${full.brands} brands, ${full.sent} sent, ${full.failed} failed); ` +
      `raw twitter-api-v2 ${full.rawTwitterApiPerSecond}/s (ratio ${full.ratioToRawTwitterApi}); raw Kafka ${full.kafkaPassThroughPerSecond} msg/s (ratio ${full.ratioToKafka})`,
  );
  log(`          on X: ${full.missingOnX} missing, ${full.duplicatesOnX} posted twice; ${full.extraCompletions} extra completions`);
  log(
    `outbound under X's limits (${limited.xLimit}, ${limited.brands} brands): ${limited.achievedPerSecond} replies/s achieved; ` +
      `X allows ${limited.allowedPerSecond}/s sustained, and its fixed windows let ${limited.replies} replies go in ${(limited.fastestPossibleMs / 1000).toFixed(1)} s at best ` +
      `(${limited.fastestPossiblePerSecond}/s); took ${(limited.elapsedMs / 1000).toFixed(1)} s (${Math.round(limited.shareOfFastestPossible * 100)}% of the best)`,
  );
  log(
    `          429s served by X: ${limited.simulator429s}; ${limited.sent} sent, ${limited.failed} failed; on X: ${limited.missingOnX} missing, ${limited.duplicatesOnX} posted twice`,
  );
  log(`          a reply from an unthrottled brand sent meanwhile took ${limited.otherBrandReplyLatencyMs} ms`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:ingest failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
