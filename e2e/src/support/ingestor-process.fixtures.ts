import { type EventEnvelope, type InboundReceivedPayload, Topics } from '@perch/contracts';
import { EventTap, freePort, ServiceProcess, serviceEnv, waitFor } from '@perch/testing';

export interface IngestorEnvOptions {
  /** Topic, group and Redis prefix of this run, so runs on one broker never see each other. */
  namespace: string;
  /** The X API (the simulator) and the credentials the ingestor uses on it. */
  xApiBaseUrl: string;
  appBearer: string;
  /** `<brand>=<token>`, comma-separated. */
  brandTokens: string;
  /** What the journey tunes: poll intervals, lease and claim TTLs, the webhook. */
  extra?: Record<string, string>;
}

/** The ingestor's environment on the shared Kafka and Redis (serviceEnv), without its ports. */
export function ingestorEnv(options: IngestorEnvOptions): Record<string, string> {
  const { kafkaBrokers, redisUrl } = serviceEnv();
  return {
    KAFKA_BROKERS: kafkaBrokers,
    REDIS_URL: redisUrl,
    PERCH_NAMESPACE: options.namespace,
    X_API_BASE_URL: options.xApiBaseUrl,
    X_APP_BEARER: options.appBearer,
    X_BRAND_TOKENS: options.brandTokens,
    ...options.extra,
  };
}

/** The ingestor as a process (not yet started) on `port`, its /metrics on `internalPort`. */
export function ingestorProcess(env: Record<string, string>, port: number, internalPort: number): ServiceProcess {
  return new ServiceProcess({
    app: 'ingestor',
    env: { ...env, HTTP_PORT: String(port), INTERNAL_HTTP_PORT: String(internalPort) },
    healthUrl: `http://127.0.0.1:${port}/health`,
  });
}

/** Until the /metrics on `internalPort` match every pattern (the stream connected, a first poll made…). */
export async function waitForMetrics(what: string, internalPort: number, patterns: readonly RegExp[]): Promise<void> {
  await waitFor(what, async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${internalPort}/metrics`)).text();
    return patterns.every((pattern) => pattern.test(metrics));
  });
}

export interface IngestorRunOptions extends IngestorEnvOptions {
  /** Names the tap's client and its reader group: `e2e-<name>`, `e2e-<name>-reader`. */
  name: string;
  /** As startPerchCluster's: the ingestor registers its own /webhooks/x with X (the simulator) and takes DMs through it. */
  webhookConsumerSecret?: string;
  /** Where the tap collects what the ingestor publishes on inbound.received, from the beginning. */
  published: EventEnvelope<InboundReceivedPayload>[];
}

/** One ingestor process on free ports and a tap on its topic; stop() closes both. */
export interface IngestorRun {
  port: number;
  /** The internal listener: /metrics is served there only. */
  internalPort: number;
  stop(): Promise<void>;
}

/** What the ingestion journeys start: the ingestor as a process on the shared Kafka and Redis, read through a tap. */
export async function startIngestorRun(options: IngestorRunOptions): Promise<IngestorRun> {
  const port = await freePort();
  const internalPort = await freePort();
  const webhook: Record<string, string> =
    options.webhookConsumerSecret === undefined
      ? {}
      : { X_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/x`, X_CONSUMER_SECRET: options.webhookConsumerSecret };
  const ingestor = ingestorProcess(ingestorEnv({ ...options, extra: { ...webhook, ...options.extra } }), port, internalPort);
  await ingestor.start();
  const tap = await EventTap.open({ brokers: serviceEnv().kafkaBrokers, namespace: options.namespace, clientId: `e2e-${options.name}` });
  await tap.bus.subscribe(Topics.InboundReceived, `e2e-${options.name}-reader`, async (e) => void options.published.push(e), { fromBeginning: true });
  return {
    port,
    internalPort,
    stop: async () => {
      await tap.close();
      await ingestor.stop();
    },
  };
}
