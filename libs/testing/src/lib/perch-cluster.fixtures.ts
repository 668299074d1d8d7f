import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

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
  /**
   * Processes per app (default 1 each), all on the same broker, Redis and PostgreSQL, each with its own ports. The
   * apps name their per-process identities themselves (gateway replica id, ingestor lease holder, outbox relay id:
   * host and pid), so replicas need nothing more; ingestor replicas share the first one's webhook URL, as replicas
   * behind one public address would.
   */
  replicas?: Partial<Record<PerchApp, number>>;
  /** Extra node flags per app, after the production ones, e.g. { gateway: ['--heapsnapshot-signal=SIGUSR2'] } when profiling. */
  nodeArgs?: Partial<Record<PerchApp, string[]>>;
  /**
   * Gateway workers (ADR 43; default 0): with some, every gateway replica runs as GATEWAY_ROLE=edge and this many more
   * gateway processes run as GATEWAY_ROLE=worker (the gateway's env and node flags apply to them too).
   */
  gatewayWorkers?: number;
}

export type PerchApp = 'router' | 'classifier' | 'gateway' | 'ingestor';

export interface PerchCluster {
  /** The first gateway replica's URL (gatewayUrls lists every replica's). */
  gatewayUrl: string;
  gatewayUrls: string[];
  /** The first replica's port of each app (replicaPorts lists every replica's). */
  ports: Record<PerchApp, number>;
  /** Each app's internal listener (/health, /metrics; the gateway's /api/docs): never the agents' port. First replica. */
  internalPorts: Record<PerchApp, number>;
  /** Each app's first process, to crash (stop('SIGKILL')) and start again in fault tests. */
  services: Record<PerchApp, ServiceProcess>;
  /** Every replica of each app, the first one first (the same object as in services). */
  replicaServices: Record<PerchApp, ServiceProcess[]>;
  replicaPorts: Record<PerchApp, number[]>;
  replicaInternalPorts: Record<PerchApp, number[]>;
  /** The gateway workers (gatewayWorkers), with their ports; empty without workers. */
  gatewayWorkers: ServiceProcess[];
  gatewayWorkerPorts: number[];
  gatewayWorkerInternalPorts: number[];
  stop(): Promise<void>;
}

const APPS: readonly PerchApp[] = ['router', 'classifier', 'gateway', 'ingestor'];

/** The four apps as separate OS processes on the given services: the distributed mode, for e2e tests and benchmarks. */
export async function startPerchCluster(options: PerchClusterOptions): Promise<PerchCluster> {
  const count = (app: PerchApp): number => {
    const n = options.replicas?.[app] ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`replicas.${app} must be a whole number ≥ 1 (got ${n})`);
    return n;
  };
  const portsOf = async (): Promise<Record<PerchApp, number[]>> => {
    const picked = {} as Record<PerchApp, number[]>;
    for (const app of APPS) {
      picked[app] = [];
      for (let i = 0; i < count(app); i += 1) picked[app].push(await freePort());
    }
    return picked;
  };
  const replicaPorts = await portsOf();
  const replicaInternalPorts = await portsOf();
  const first = (all: Record<PerchApp, number[]>): Record<PerchApp, number> =>
    Object.fromEntries(APPS.map((app) => [app, all[app][0] as number])) as Record<PerchApp, number>;
  const ports = first(replicaPorts);
  const internalPorts = first(replicaInternalPorts);
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
      // One secret for every replica: a token signed by one gateway is good on the others.
      GATEWAY_TOKEN_SECRET: `${randomUUID()}${randomUUID()}`,
      GATEWAY_AGENTS: JSON.stringify(
        options.agents.map((a) => ({ id: a.id, password: a.password, capacity: a.capacity ?? 1, ...(a.brands ? { brands: a.brands } : {}), ...(a.role ? { role: a.role } : {}) })),
      ),
    },
  };
  const byReplica = (app: PerchApp, index: number): ServiceProcess => {
    const env: Record<string, string> = {
      ...common,
      ...own[app],
      ...(options.env?.[app] ?? {}),
      HTTP_PORT: String(replicaPorts[app][index]),
      INTERNAL_HTTP_PORT: String(replicaInternalPorts[app][index]),
    };
    // A replica id given by the caller names one process's fan-out groups: the others get their own.
    if (index > 0 && env['GATEWAY_REPLICA_ID'] !== undefined) env['GATEWAY_REPLICA_ID'] = `${env['GATEWAY_REPLICA_ID']}-${index + 1}`;
    return new ServiceProcess({
      app,
      env,
      healthUrl: `http://127.0.0.1:${replicaPorts[app][index]}/health`,
      nodeArgs: options.nodeArgs?.[app] ?? [],
      // Replicas of one app are made in the same millisecond: each its own directory, so each its own log file.
      ...(index > 0 ? { logDir: join(process.cwd(), 'tmp', 'e2e-logs', `replica-${index + 1}`) } : {}),
    });
  };
  const workers = options.gatewayWorkers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`gatewayWorkers must be a whole number ≥ 0 (got ${workers})`);
  if (workers > 0) own.gateway['GATEWAY_ROLE'] = 'edge';
  const workerPorts = await Promise.all(Array.from({ length: workers }, async () => ({ port: await freePort(), internal: await freePort() })));
  // Least privilege: a worker signs no one in, so it gets neither the token secret nor the agents (it must start without).
  const { GATEWAY_TOKEN_SECRET: _secret, GATEWAY_AGENTS: _agents, ...workerEnv } = { ...own.gateway, ...(options.env?.gateway ?? {}) };
  const gatewayWorkers = workerPorts.map(
    ({ port, internal }, index) =>
      new ServiceProcess({
        app: 'gateway',
        env: {
          ...common,
          ...workerEnv,
          GATEWAY_ROLE: 'worker',
          HTTP_PORT: String(port),
          INTERNAL_HTTP_PORT: String(internal),
        },
        healthUrl: `http://127.0.0.1:${port}/health`,
        nodeArgs: options.nodeArgs?.gateway ?? [],
        logDir: join(process.cwd(), 'tmp', 'e2e-logs', `gateway-worker-${index + 1}`),
      }),
  );
  const replicaServices = Object.fromEntries(
    APPS.map((app) => [app, Array.from({ length: count(app) }, (_, index) => byReplica(app, index))]),
  ) as Record<PerchApp, ServiceProcess[]>;
  const services = Object.fromEntries(APPS.map((app) => [app, replicaServices[app][0] as ServiceProcess])) as Record<PerchApp, ServiceProcess>;
  // The ingestor last: everything downstream is listening before the first tweet is read. The replicas of one app
  // start together, as a rollout would start them.
  const order: PerchApp[] = ['router', 'classifier', 'gateway', 'ingestor'];
  // The workers beside the edges: both read what the router publishes, and the edges' commands need a worker.
  const group = (app: PerchApp): ServiceProcess[] => (app === 'gateway' ? [...gatewayWorkers, ...replicaServices.gateway] : replicaServices[app]);
  const all = order.flatMap(group);
  try {
    for (const app of order) {
      const started = await Promise.allSettled(group(app).map((service) => service.start()));
      const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } catch (error) {
    await Promise.all(all.map((s) => s.stop()));
    throw error;
  }
  return {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    gatewayUrls: replicaPorts.gateway.map((port) => `http://127.0.0.1:${port}`),
    ports,
    internalPorts,
    services,
    replicaServices,
    replicaPorts,
    replicaInternalPorts,
    gatewayWorkers,
    gatewayWorkerPorts: workerPorts.map(({ port }) => port),
    gatewayWorkerInternalPorts: workerPorts.map(({ internal }) => internal),
    stop: async () => {
      for (const app of [...order].reverse()) await Promise.all(group(app).map((service) => service.stop()));
    },
  };
}
