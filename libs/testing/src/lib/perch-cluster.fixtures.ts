import { randomUUID } from 'node:crypto';

import { freePort } from './free-port.util';
import { ServiceProcess } from './service-process.fixtures';

export interface PerchClusterOptions {
  kafkaBrokers: string;
  redisUrl: string;
  databaseUrl: string;
  /** Topic, group and Redis prefix of this run, so runs on one broker never see each other. */
  namespace: string;
  /** The X API (the simulator) and the credentials the apps use on it. */
  xApiBaseUrl: string;
  appBearer: string;
  brandTokens: string;
  agents: { id: string; password: string; capacity?: number; role?: 'agent' | 'supervisor' | 'admin'; brands?: string[] }[];
  logLevel?: string;
  /**
   * The X app's consumer secret: when set, the ingestor registers its own /webhooks/x with X (the
   * simulator) and receives DMs through the Account Activity webhook.
   */
  webhookConsumerSecret?: string;
  /** Extra environment per app, e.g. { router: { ROUTER_OFFER_TIMEOUT_MS: '120000' } }. */
  env?: Partial<Record<PerchApp, Record<string, string>>>;
}

export type PerchApp = 'router' | 'classifier' | 'gateway' | 'ingestor';

export interface PerchCluster {
  gatewayUrl: string;
  ports: Record<PerchApp, number>;
  /** Each app's internal listener (/health, /metrics; the gateway's /api/docs): never the agents' port. */
  internalPorts: Record<PerchApp, number>;
  /** Each app's process, to crash (stop('SIGKILL')) and start again in fault tests. */
  services: Record<PerchApp, ServiceProcess>;
  stop(): Promise<void>;
}

/** The four apps as separate OS processes on the given services: the distributed mode, for e2e tests and benchmarks. */
export async function startPerchCluster(options: PerchClusterOptions): Promise<PerchCluster> {
  const ports: Record<PerchApp, number> = {
    router: await freePort(),
    classifier: await freePort(),
    gateway: await freePort(),
    ingestor: await freePort(),
  };
  const internalPorts: Record<PerchApp, number> = {
    router: await freePort(),
    classifier: await freePort(),
    gateway: await freePort(),
    ingestor: await freePort(),
  };
  const common = {
    KAFKA_BROKERS: options.kafkaBrokers,
    REDIS_URL: options.redisUrl,
    DATABASE_URL: options.databaseUrl,
    PERCH_NAMESPACE: options.namespace,
    LOG_LEVEL: options.logLevel ?? 'info',
    X_API_BASE_URL: options.xApiBaseUrl,
    X_APP_BEARER: options.appBearer,
    X_BRAND_TOKENS: options.brandTokens,
  };
  const own: Record<PerchApp, Record<string, string>> = {
    // Journeys take offer after offer with one agent: no wrap-up between them unless a journey sets ROUTER_WRAP_UP_MS.
    router: { ROUTER_WRAP_UP_MS: '0' },
    classifier: {},
    ingestor:
      options.webhookConsumerSecret === undefined
        ? {}
        : { X_WEBHOOK_URL: `http://127.0.0.1:${ports.ingestor}/webhooks/x`, X_CONSUMER_SECRET: options.webhookConsumerSecret },
    gateway: {
      GATEWAY_TOKEN_SECRET: `${randomUUID()}${randomUUID()}`,
      GATEWAY_AGENTS: JSON.stringify(
        options.agents.map((a) => ({ id: a.id, password: a.password, capacity: a.capacity ?? 1, ...(a.brands ? { brands: a.brands } : {}), ...(a.role ? { role: a.role } : {}) })),
      ),
    },
  };
  // The ingestor last: everything downstream is listening before the first tweet is read.
  const order: PerchApp[] = ['router', 'classifier', 'gateway', 'ingestor'];
  const byApp = (app: PerchApp): ServiceProcess =>
    new ServiceProcess({
      app,
      env: { ...common, ...own[app], ...(options.env?.[app] ?? {}), HTTP_PORT: String(ports[app]), INTERNAL_HTTP_PORT: String(internalPorts[app]) },
      healthUrl: `http://127.0.0.1:${ports[app]}/health`,
    });
  const named: Record<PerchApp, ServiceProcess> = {
    router: byApp('router'),
    classifier: byApp('classifier'),
    gateway: byApp('gateway'),
    ingestor: byApp('ingestor'),
  };
  const services = order.map((app) => named[app]);
  try {
    for (const service of services) await service.start();
  } catch (error) {
    await Promise.all(services.map((s) => s.stop()));
    throw error;
  }
  return {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    ports,
    internalPorts,
    services: named,
    stop: async () => {
      for (const service of [...services].reverse()) await service.stop();
    },
  };
}
