// The inbound half of bench:ingest: tweets a second from the simulator's filtered stream into Kafka, through the
// real ingestor process (twitter-api-v2 stream reader, normalization, Redis dedupe, validated publish).
import { randomUUID } from 'node:crypto';

import { Topics } from '@perch/contracts';
import { EventTap, freePort, ServiceProcess } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

const BRAND = 'acme_support';

export interface InboundBenchOptions {
  kafkaBrokers: string;
  redisUrl: string;
  tweets: number;
  log: (message: string) => void;
}

export interface InboundBenchResult {
  ingestTweetsPerSecond: number;
  tweets: number;
  published: number;
  generatorRate: number;
  firstPublishAfterMs: number;
}

export async function measureInbound(options: InboundBenchOptions): Promise<InboundBenchResult> {
  const { kafkaBrokers, redisUrl, tweets, log } = options;
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

  log(`inbound: playing ${tweets} tweets at full speed`);
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
      log(`inbound: only ${received} of ${tweets} arrived (no progress for 20 s)`);
      break;
    }
  }
  const generated = simulator.stopGenerator();
  const elapsedMs = lastAt - startedAt;

  await tap.close();
  await ingestor.stop();
  await simulator.stop();
  return {
    ingestTweetsPerSecond: Math.round(received / (elapsedMs / 1000)),
    tweets,
    published: received,
    generatorRate: Math.round(generated.actualRate ?? 0),
    firstPublishAfterMs: firstAt - startedAt,
  };
}
