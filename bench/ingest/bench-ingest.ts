// npm run bench:ingest — tweets a second from the simulator's filtered stream into Kafka, through the real
// ingestor process (twitter-api-v2 stream reader, normalization, Redis dedupe, validated publish).
// Prints progress lines, then (last line) one JSON object. Knobs: BENCH_INGEST_TWEETS (20000).
import 'reflect-metadata';

import { randomUUID } from 'node:crypto';

import { Topics } from '@perch/contracts';
import { EventTap, freePort, ServiceProcess } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { measureKafkaPassThrough } from '../kafka-pass-through';

const BRAND = 'acme_support';

function log(message: string): void {
  process.stdout.write(`[bench:ingest] ${message}\n`);
}

async function main(): Promise<void> {
  const kafkaBrokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const tweets = Number(process.env['BENCH_INGEST_TWEETS'] ?? 20_000);
  if (!Number.isInteger(tweets) || tweets <= 0) throw new Error('BENCH_INGEST_TWEETS must be a positive integer');
  const namespace = `bench-ingest-${Date.now()}`;
  const brandToken = `brand-${randomUUID()}`;
  const appBearer = `app-${randomUUID()}`;

  const simulator = new XSimulator({
    seed: { appBearerToken: appBearer, brands: [{ username: BRAND, token: brandToken }] },
    rateLimits: 'unlimited',
    maxStoredTweets: tweets + 10_000,
  });
  const { baseUrl } = await simulator.start(await freePort());
  const port = await freePort();
  const ingestor = new ServiceProcess({
    app: 'ingestor',
    env: {
      KAFKA_BROKERS: kafkaBrokers,
      REDIS_URL: redisUrl,
      PERCH_NAMESPACE: namespace,
      X_API_BASE_URL: baseUrl,
      X_APP_BEARER: appBearer,
      X_BRAND_TOKENS: `${BRAND}=${brandToken}`,
      // Polling would read the same tweets again; this measures the stream path alone.
      INGESTOR_MENTIONS_POLL_MS: '0',
      LOG_LEVEL: 'warn',
      HTTP_PORT: String(port),
    },
    healthUrl: `http://127.0.0.1:${port}/health`,
  });
  await ingestor.start();

  const tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: 'bench-ingest' });
  let received = 0;
  let firstAt = 0;
  let lastAt = 0;
  await tap.bus.subscribe(
    Topics.InboundReceived,
    'bench-ingest-reader',
    async () => {
      lastAt = Date.now();
      if (received === 0) firstAt = lastAt;
      received += 1;
    },
    { fromBeginning: true },
  );
  // Let the stream connect before the burst.
  await new Promise((resolve) => setTimeout(resolve, 2000));

  log(`playing ${tweets} tweets at full speed`);
  const startedAt = Date.now();
  simulator.startGenerator({ rate: 100_000, count: tweets, customers: 10_000, brand: BRAND, replyRatio: 0, seed: 'bench-ingest' });
  let seen = -1;
  let quietSince = Date.now();
  while (received < tweets) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (received !== seen) {
      seen = received;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > 20_000) {
      log(`only ${received} of ${tweets} arrived (no progress for 20 s)`);
      break;
    }
  }
  const generated = simulator.stopGenerator();
  const elapsedMs = lastAt - startedAt;
  const ingestPerSecond = received / (elapsedMs / 1000);

  await tap.close();
  await ingestor.stop();
  await simulator.stop();

  log('baseline: the same number of messages produced and consumed raw through the same broker');
  const raw = await measureKafkaPassThrough({
    brokers: kafkaBrokers.split(','),
    partitions: 12,
    messages: Array.from({ length: tweets }, (_, i) => ({ key: `100:${i}`, value: JSON.stringify({ payload: 'x'.repeat(900) }) })),
  });
  const result = {
    ingestTweetsPerSecond: Math.round(ingestPerSecond),
    tweets,
    published: received,
    generatorRate: Math.round(generated.actualRate ?? 0),
    firstPublishAfterMs: firstAt - startedAt,
    kafkaPassThroughPerSecond: Math.round(raw.messagesPerSecond),
    ratio: Math.round((ingestPerSecond / raw.messagesPerSecond) * 1000) / 1000,
    outbound: 'not measured yet (issue 3): replies under X limits need the gateway process on Kafka',
  };
  log(`${result.ingestTweetsPerSecond} tweets/s from the stream into Kafka; raw Kafka ${result.kafkaPassThroughPerSecond} msg/s (ratio ${result.ratio})`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:ingest failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
